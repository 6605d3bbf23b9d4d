// Lint: type-aware, with the two rules the design depends on — the core never imports 'vscode'
// (it must run in the CLI, the benchmark and CI), and no promise is left floating.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'examples/**', 'bench/data/**', 'bench/out/**', '.vscode-test/**', 'out/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must stay host-free: use a port (src/core/ports.ts).' }] }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
