// `npm test`: every layer, in order, with one total at the end.
//   1. build (the CLI tests, the screen worker and the VS Code layer use the bundles)
//   2. type check, lint and format (prettier --check)
//   3. unit + integration tests (node:test through tsx; real git, real runners)
//   4. the extension in a real VS Code (code-server) and one browser E2E
// The last line is `N passed, N failed`, summed over all layers.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs one layer
let passed = 0;
let failed = 0;

function step(name, command, args, parse) {
  if (only.length && !only.includes(name)) return;
  process.stdout.write(`\n=== ${name}: ${[command, ...args].join(' ')}\n`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
  const counts = parse ? parse(`${run.stdout}\n${run.stderr}`) : undefined;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  } else if (run.status === 0) passed += 1;
  else failed += 1;
  // A layer that exits non-zero without reporting a failing test still failed.
  if (counts && run.status !== 0 && counts.failed === 0) failed += 1;
  process.stdout.write(`=== ${name}: ${run.status === 0 ? 'ok' : `exit ${run.status ?? run.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function testFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory() && !['fixtures', 'vscode'].includes(entry.name)) out.push(...testFiles(rel));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(rel);
  }
  return out.sort();
}

const nodeCounts = (text) => {
  const pass = /^ℹ pass (\d+)$/m.exec(text);
  const fail = /^ℹ fail (\d+)$/m.exec(text);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
};
const vscodeCounts = (text) => {
  const m = /^vscode: (\d+) passed, (\d+) failed$/m.exec(text);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
};

step('build', process.execPath, ['esbuild.js']);
step('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']);
step('lint', process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), 'src', 'test', 'scripts', 'bench']);
step('format', process.execPath, [
  path.join(root, 'node_modules/prettier/bin/prettier.cjs'),
  '--check',
  'src/**/*.{ts,cjs,mjs}',
  'test/**/*.ts',
  'bench/**/*.ts',
  'scripts/**/*.{mjs,js}',
  'esbuild.js',
  'eslint.config.mjs',
  '!test/fixtures/**',
  '!bench/data/**',
  '!bench/out/**',
]);
step('unit', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=900000', ...testFiles('test')], nodeCounts);
if (fs.existsSync(path.join(root, 'scripts/vscode-test.mjs'))) step('vscode', process.execPath, ['scripts/vscode-test.mjs'], vscodeCounts);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
