// Lint: type-aware, with the rules the design depends on — the core never imports 'vscode' (it
// must run in the CLI, the benchmark and CI); the core's rooms import only downwards and never in a
// cycle; hosts reach the core only through its public surface; and no promise is left floating.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// The core's layers, top to bottom (README "Architecture"): a room may import from its own layer
// and the ones below, never from above. heal.ts and api/ sit on top of all of them.
const CORE_LAYERS = [['record'], ['healing'], ['guards'], ['analysis'], ['verify'], ['signals', 'runners']];
const coreZones = CORE_LAYERS.slice(1).flatMap((rooms, index) =>
  rooms.map((room, _, __, depth = index + 1) => ({
    target: `./src/core/${room}`,
    from: CORE_LAYERS.slice(0, depth)
      .flat()
      .map((above) => `./src/core/${above}`),
    message: `src/core/${room} sits below ${CORE_LAYERS.slice(0, depth).flat().join(', ')}: move the shared piece down, or pass it in.`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'examples/**', 'bench/data/**', 'bench/out/**', '.vscode-test/**', 'out/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.cjs'] })],
      // no-cycle reads each imported file itself, so it must know how to parse TypeScript.
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: coreZones }],
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
  {
    // Hosts reach the core through its public surface only, so the core's rooms can move freely.
    files: ['src/extension/**/*.ts', 'src/cli/**/*.ts'],
    // extension/core.ts is the one door the other way: lazy loaders of the pipeline's parts, each
    // loading only what its caller needs (loading pipeline.ts whole from the editor changed what
    // runs when, and broke five real-VS-Code specs; see the commit that added this line).
    ignores: ['src/extension/core.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core/(?!(api|pipeline|model|ports)$)',
              message: 'Hosts import the core only through src/core/api.ts, pipeline.ts, model.ts and ports.ts.',
            },
          ],
        },
      ],
    },
  },
);
