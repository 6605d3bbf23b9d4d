// The pieces scripts/vscode-test.mjs is built from: setup, build, fixture workspaces, code-server
// processes (each in its own process group) and the browser. Everything started registers its
// cleanup in `cleanups`, which the caller runs at the end, also on failure and on Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'test-results');
export const SUITE_OUT = path.join(ROOT, 'out', 'vscode-test');
const FIXTURE = path.join(ROOT, 'test', 'vscode', 'fixtures', 'calc');
const require = createRequire(import.meta.url);
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Run in reverse order by the caller. */
export const cleanups = [];
/** `--keep` leaves the run directories (server logs, workspaces) for a post-mortem. */
export const keep = process.argv.includes('--keep');
const started = Date.now();
export const lap = (message) => console.log(`[vscode-test ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

export async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (error) {
      console.error(`cleanup: ${error.message}`);
    }
  }
}

// ---- 1. setup -------------------------------------------------------------------------------
export function setup() {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'vscode-setup.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error('scripts/vscode-setup.sh failed (its message is above); the VS Code tests cannot run without it.');
  const cache = result.stdout.trim().split('\n').pop();
  const env = JSON.parse(fs.readFileSync(path.join(cache, 'env.json'), 'utf8'));
  return env;
}

// ---- 2. build -------------------------------------------------------------------------------
function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, filter));
    else if (filter(full)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export async function build() {
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src'), (file) => file.endsWith('.ts')),
    fs.statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  if (!fs.existsSync(bundle) || fs.statSync(bundle).mtimeMs < sources) {
    lap('building dist/ (node esbuild.js)');
    const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('the build failed (node esbuild.js)');
  }
  const esbuild = require('esbuild');
  const suiteDir = path.join(ROOT, 'test', 'vscode', 'suite');
  const entryPoints = [
    path.join(ROOT, 'test', 'vscode', 'index.ts'),
    ...fs
      .readdirSync(suiteDir)
      .filter((f) => f.endsWith('.spec.ts'))
      .map((f) => path.join(suiteDir, f)),
  ];
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha must be the instance index.js creates (its describe/it follow the current file).
    external: ['vscode', 'mocha'],
    // As in esbuild.js: jsonc-parser's UMD "main" hides its requires from the bundler (a spec that
    // reaches the core's settings reader then fails to load with "Cannot find module './impl/format'").
    mainFields: ['module', 'main'],
    logOverride: { 'require-resolve-not-external': 'silent' },
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  });
}

// ---- the VSIX --------------------------------------------------------------------------------
/** The VSIX users get: `vsce package` runs vscode:prepublish (the production build) and packs what .vscodeignore allows. */
export function packageVsix(dir) {
  const vsix = path.join(dir, 'self-heal.vsix');
  const result = spawnSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vsce package failed:\n${result.stdout}${result.stderr}`);
  return vsix;
}

/** Installs a VSIX into `extensionsDir` as a user would (`--install-extension`), with no server running. */
export function installVsix(env, dir, extensionsDir, vsix) {
  const xdg = path.join(dir, 'xdg');
  fs.mkdirSync(xdg, { recursive: true });
  const result = spawnSync(
    env.node,
    [env.codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(dir, 'user'), '--install-extension', vsix],
    {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg },
    },
  );
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${result.stdout}${result.stderr}`);
}

// ---- workspaces and servers ------------------------------------------------------------------
/**
 * Two fresh copies of the fixture, `calc` and `billing`, as folders of one multi-root workspace
 * (`two.code-workspace`): the same bug at the same relative path in both, so anything keyed by a
 * relative path alone would mix them up.
 */
export function multiRootWorkspace(dir) {
  const folders = ['calc', 'billing'].map((name) => workspace(dir, undefined, name));
  const file = path.join(dir, 'two.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: folders.map((folder) => ({ path: path.basename(folder) })) }, null, 2));
  return file;
}

export function runDir(label) {
  // Short: VS Code puts unix sockets under TMPDIR, and their paths are limited to 108 characters.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shvt-${label}-`));
  if (!keep) cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function git(cwd, ...argv) {
  const result = spawnSync('git', ['-c', 'user.name=Self-Heal Test', '-c', 'user.email=test@self-heal.invalid', '-c', 'commit.gpgsign=false', ...argv], {
    cwd,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git ${argv.join(' ')} failed: ${result.stderr}`);
}

/** A fresh copy of the fixture as a git repository (the sandbox uses a worktree of it), in `dir/name`. */
export function workspace(dir, settings, name = 'calc') {
  const ws = path.join(dir, name);
  fs.cpSync(FIXTURE, ws, { recursive: true });
  if (settings) fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  git(ws, 'init', '-q', '-b', 'main');
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', 'fixture');
  return ws;
}

export async function startServer(env, dir, ws, { smokeDriver, extensionsDir, extraEnv = {} }) {
  const user = path.join(dir, 'user');
  fs.mkdirSync(path.join(user, 'User'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'xdg'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  fs.writeFileSync(
    path.join(user, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'git.openRepositoryInParentFolders': 'never',
      // Screenshots show the extension, not an empty chat panel.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
    }),
  );
  fs.writeFileSync(path.join(dir, 'config.yaml'), '');
  const log = path.join(dir, 'server.log');
  const out = fs.openSync(log, 'w');
  const flags = [
    '--config',
    path.join(dir, 'config.yaml'),
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--reconnection-grace-time',
    '5',
    '--user-data-dir',
    user,
    '--extensions-dir',
    extensionsDir,
  ];
  if (smokeDriver) flags.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(env.node, [env.codeServer, ...flags, ws], {
    detached: true, // its own process group: killed whole at the end
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      ...extraEnv,
      PATH: `${path.dirname(env.node)}${path.delimiter}${process.env.PATH}`, // tasks and terminals get Node 24 as `node`
      TMPDIR: path.join(dir, 'tmp'),
      XDG_CONFIG_HOME: path.join(dir, 'xdg'),
      XDG_DATA_HOME: path.join(dir, 'xdg'),
      XDG_CACHE_HOME: path.join(dir, 'xdg'),
      HISTFILE: path.join(dir, 'bash_history'),
    },
  });
  fs.closeSync(out);
  const pgid = child.pid;
  cleanups.push(() => killGroup(pgid));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const port = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(log, 'utf8'))?.[1];
    if (
      port &&
      (await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return { port, log };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not start; its log:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
}

async function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
  }
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone between the check and the kill
  }
}

export async function browser(env) {
  const { chromium } = require(env.playwright);
  const instance = await chromium.launch({ executablePath: env.chromium, headless: true, args: CHROMIUM_ARGS });
  cleanups.push(() => instance.close());
  return instance;
}

export function consoleTo(page, file) {
  const stream = fs.createWriteStream(file);
  page.on('console', (message) => stream.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => stream.write(`[pageerror] ${error.message}\n`));
  cleanups.push(() => new Promise((resolve) => stream.end(resolve)));
}

/** Keep the extension's own log and the extension-host log of a run in test-results/. */
export function keepLogs(dir, label) {
  const found = [];
  const walk = (at) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/Self-Heal\.log$|^exthost\.log$|^remoteexthost\.log$/.test(entry.name)) found.push(full);
    }
  };
  try {
    walk(path.join(dir, 'user', 'logs'));
  } catch {
    return;
  }
  for (const file of found) fs.copyFileSync(file, path.join(RESULTS, `vscode-${label}-${path.basename(file).replace(/^\d+-/, '')}`));
}
