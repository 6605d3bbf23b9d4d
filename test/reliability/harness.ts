/**
 * The fault suite drives the real bundled CLI (dist/cli.js) as a child process, on real git
 * repositories, and checks what a user would check afterwards: the files and git state
 * (fingerprint), the ledger, the temp dir and the process table.
 *
 * Every CLI run gets an environment marker that all its descendants inherit (test runners,
 * forked workers, daemons the tests start), so "no process left behind" is a scan of
 * /proc/<pid>/environ for that marker.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFiles } from '../../src/cli/adapters/files';
import type { HealRecord } from '../../src/core/model';
import { silentLog } from '../../src/core/ports';
import { recoverInterrupted } from '../../src/cli/recover';
import { JsonlLedger, workspaceLedgerPath } from '../../src/core/record/ledger';
import { acquireWorkspaceLock } from '../../src/core/verify/lock';
import { git, REPO_ROOT } from '../helpers/repo';

export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const CRASH_AT = path.join(__dirname, 'crashAt.cjs');
export const MARKER_VAR = 'SELF_HEAL_RELIABILITY_RUN';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(child) : fs.statSync(child).mtimeMs);
  }
  return newest;
}

/** Build dist/ when it is missing or older than src/ (npm test builds first, so this is usually a no-op). */
export async function ensureCli(): Promise<string> {
  // Test files run in parallel processes: one builds, the others wait for it.
  const lock = await acquireWorkspaceLock(path.join(REPO_ROOT, 'dist'), { owner: 'the reliability suite build', waitMs: 120_000 });
  try {
    const built = fs.existsSync(CLI) ? fs.statSync(CLI).mtimeMs : 0;
    if (built < newestMtime(path.join(REPO_ROOT, 'src'))) {
      const run = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`node esbuild.js failed:\n${run.stderr}`);
    }
  } finally {
    await lock.release();
  }
  return CLI;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** A point named in crashAt.cjs. */
  crashAt?: string;
  /** Kill the run (and fail) after this long. */
  timeoutMs?: number;
  marker?: string;
}

export interface CliRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  marker: string;
}

function cliEnv(marker: string, options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [MARKER_VAR]: marker, ...options.env };
  delete env.NODE_TEST_CONTEXT; // the CLI is not a child test file of ours
  if (options.crashAt) env.SELF_HEAL_CRASH_AT = options.crashAt;
  return env;
}

export const newMarker = (): string => randomBytes(6).toString('hex');

/** Start the CLI; the caller decides when (and whether) to kill it. */
export interface SpawnedCli {
  child: ChildProcess;
  marker: string;
  done: Promise<CliRun>;
  /** Resolves when stderr (progress, log) matches `pattern`, or with false when the run ends first. */
  stderrMatch(pattern: RegExp): Promise<boolean>;
}

export function spawnCli(args: string[], options: CliOptions = {}): SpawnedCli {
  const marker = options.marker ?? newMarker();
  const started = Date.now();
  const child = spawn(process.execPath, [...(options.crashAt ? ['--require', CRASH_AT] : []), CLI, ...args], {
    cwd: options.cwd ?? os.tmpdir(),
    env: cliEnv(marker, options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const stderrMatch = (pattern: RegExp): Promise<boolean> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!pattern.test(stderr)) return;
        child.stderr!.off('data', check);
        resolve(true);
      };
      child.stderr!.on('data', check);
      child.once('close', () => resolve(pattern.test(stderr)));
      check();
    });
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid!, code, signal, stdout, stderr, ms: Date.now() - started, marker });
    });
  });
  return { child, marker, done, stderrMatch };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return spawnCli(args, { timeoutMs: 180_000, ...options }).done;
}

/** Live processes (not zombies) that carry `marker` in their environment. */
export function markedProcesses(marker: string): Array<{ pid: number; cmd: string }> {
  const needle = Buffer.from(`${MARKER_VAR}=${marker}\0`);
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!fs.readFileSync(`/proc/${name}/environ`).includes(needle)) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      found.push({ pid: Number(name), cmd });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Wait until no process carries `marker`, up to `ms`; returns the ones still alive. */
export async function processesLeft(marker: string, ms = 5000): Promise<Array<{ pid: number; cmd: string }>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = markedProcesses(marker);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** End what a case left behind, so one failing case does not slow the rest (after its assertion). */
export function killMarked(marker: string): void {
  for (const { pid } of markedProcesses(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export { sandboxesOf } from '../helpers/repo';

/** Worktrees git knows for `dir` besides the main one. */
export function extraWorktrees(dir: string): string[] {
  return git(dir, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .slice(1);
}

/** Apply's temp files in the workspace: among the user's files, or (with includeSelfHeal) also in Self-Heal's own folder. */
export function tempFilesIn(dir: string, options: { includeSelfHeal?: boolean } = {}): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git' || entry.name === 'node_modules' || (entry.name === '.self-heal' && !options.includeSelfHeal)) continue;
      if (entry.isDirectory()) visit(child);
      else if (/\.self-heal-\d+\.tmp$/.test(entry.name) || child.startsWith('.self-heal/tmp/')) out.push(child);
    }
  };
  visit('');
  return out;
}

/** Every line of the CLI ledger, parsed strictly: the records, and the lines that did not parse. */
export async function readLedger(dir: string): Promise<{ records: Awaited<ReturnType<JsonlLedger['read']>>; skipped: number; lastLineComplete: boolean }> {
  const ledger = new JsonlLedger(workspaceLedgerPath(dir));
  const records = await ledger.read();
  const text = fs.existsSync(ledger.filePath) ? fs.readFileSync(ledger.filePath, 'utf8') : '';
  return { records, skipped: ledger.skipped, lastLineComplete: text === '' || text.endsWith('\n') };
}

/** Applies in the ledger that no later record reverted: what the ledger says is on disk. */
export function unrevertedApplies(records: HealRecord[]): HealRecord[] {
  const reverted = new Set(records.filter((r) => r.kind === 'revert').map((r) => r.reverts));
  return records.filter((r) => r.kind === 'apply' && !reverted.has(r.id));
}

/**
 * What every CLI run does first, in-process: remove the temp files a killed run left and settle a
 * ledger record whose file write the killed run never made (the ledger is written ahead).
 */
export async function recoverLikeNextRun(dir: string): Promise<void> {
  await recoverInterrupted(new DiskFiles(dir), silentLog);
}

/** A small deterministic PRNG (mulberry32), so a failing iteration can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything in refs/ and .git/config: what a sandbox that shares the user's repository could change besides the worktree. */
export function refsState(dir: string): string {
  return git(dir, 'for-each-ref', '--format=%(refname) %(objectname)') + git(dir, 'stash', 'list') + fs.readFileSync(path.join(dir, '.git', 'config'), 'utf8');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
