// Two bundles (STYLE §6): dist/extension.js for VS Code ('vscode' stays external) and
// dist/cli.js for the terminal and CI. The tree-sitter runtime and grammars are copied next to
// them and located relative to the bundle at run time, and so is the mutation guard's instrumenter
// (dist/instrumenter.mjs, scripts/instrumenterBundle.js). `--production` (vscode:prepublish,
// prepack) minifies and writes no source maps; it deletes stale ones so no package can carry them.
const esbuild = require('esbuild');
const { instrumenterEntry } = require('./scripts/instrumenterBundle');
const fs = require('node:fs');
const path = require('node:path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = path.join(__dirname, 'dist');

const shared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD "main" hides its requires from the bundler; its ES module build does not.
  mainFields: ['module', 'main'],
  // The core resolves wasm files and tsx from node_modules only when it runs unbundled (tests);
  // a bundle finds everything next to itself, so these require.resolve calls never run there.
  logOverride: { 'require-resolve-not-external': 'silent' },
  // web-tree-sitter's ESM build needs import.meta.url, which a CJS bundle lacks; its CJS file works.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  const grammars = path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
  const runtime = path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
  fs.copyFileSync(runtime, path.join(dist, 'tree-sitter.wasm'));
  for (const name of ['javascript', 'typescript', 'tsx']) {
    fs.copyFileSync(path.join(grammars, `tree-sitter-${name}.wasm`), path.join(dist, `tree-sitter-${name}.wasm`));
  }
}

// Self-Heal's own test reporters (src/reporters) are loaded by path into the user's runner, so they
// ship as files beside the bundle: dist/reporters (found by src/core/runners/reportersDir.ts).
function copyReporters() {
  const to = path.join(dist, 'reporters');
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(path.join(__dirname, 'src', 'reporters')))
    fs.copyFileSync(path.join(__dirname, 'src', 'reporters', name), path.join(to, name));
}

function removeSourceMaps() {
  for (const name of fs.readdirSync(dist)) if (name.endsWith('.map')) fs.rmSync(path.join(dist, name));
}

async function main() {
  copyWasm();
  copyReporters();
  if (production) removeSourceMaps();
  const entries = [
    { ...shared, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
    { ...shared, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    // The screen worker is forked by the verifier for fast candidate screening; it must be a file of its own.
    { ...shared, entryPoints: ['src/core/verify/screenWorker.ts'], outfile: 'dist/screenWorker.js' },
    // The probe worker runs verified fixes beside the original on probe inputs (healing/ranking).
    { ...shared, entryPoints: ['src/core/healing/ranking/probeWorker.ts'], outfile: 'dist/probeWorker.js' },
    instrumenterEntry(shared),
  ].filter((entry) => fs.existsSync(entry.entryPoints[0]));
  if (watch) {
    for (const entry of entries) await (await esbuild.context(entry)).watch();
    return;
  }
  await Promise.all(entries.map((entry) => esbuild.build(entry)));
  if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
