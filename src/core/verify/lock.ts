/**
 * The workspace lock: one Self-Heal process at a time works on a workspace (two CLI runs, or the
 * CLI and the extension), so their sandboxes, their `git worktree` calls, their apply checks and
 * their ledger appends never interleave (issue 9).
 *
 * Why not `proper-lockfile`: it judges a lock stale only by age, so after a kill -9 the next run
 * would wait out the stale period, and a compromised lock throws from a timer by default. A crashed
 * holder is known at once from its pid (and, on Linux, the pid's start time, so a reused pid does
 * not keep a dead lock alive); age is only the fallback for a holder on another host.
 *
 * Layout: `<tmpdir>/self-heal-lock-<uid>-<hash of the workspace's real path>`, a small JSON file
 * that appears whole (written to a temp file, then hard-linked into place, which fails if a lock
 * exists). Nothing is written into the user's workspace. Removing a stale lock happens under a
 * short-lived second lock (`….recover`) and only if the lock still holds the stale owner's nonce,
 * so two runs that find the same stale lock cannot delete each other's fresh one.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Mutex, tryAcquire, withTimeout, type MutexInterface } from 'async-mutex';
import { z } from 'zod';
import { SelfHealError } from '../model';
import { isAlive } from './processAlive';

export const LOCK_PREFIX = 'self-heal-lock-';

/** A holder touches its lock this often; a lock untouched for STALE_AFTER_MS is dead whatever its pid says. */
const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;
/** The recovery lock guards a few file operations; one this old was left by a crash. */
const RECOVER_STALE_MS = 10_000;

const Holder = z.object({
  pid: z.number().int(),
  host: z.string(),
  /** Who holds it, for the message the other run shows: "the CLI", "the VS Code extension". */
  owner: z.string(),
  started: z.string(),
  nonce: z.string(),
  /** Linux: the process start time (field 22 of /proc/<pid>/stat), to tell a reused pid apart. */
  procStart: z.string().optional(),
  root: z.string(),
});
export type LockHolder = z.infer<typeof Holder>;

export interface LockOptions {
  /** Shown to a run that finds the workspace busy, e.g. 'the self-heal CLI'. */
  owner?: string;
  /** How long to wait for another run to finish before giving up; 0 (default) refuses at once. */
  waitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Folder for lock files (default os.tmpdir()); tests use their own. */
  lockDir?: string;
  /**
   * Also wait for this process's other `serial` work on the workspace. The lock file is shared
   * within a process (the extension's background heal and an apply run side by side, the heal in
   * its sandbox), but the work that writes the user's files and the ledger must take turns: a
   * check for outside changes that read the ledger between an apply's record and its write would
   * take the apply for an undo, and record it as reverted.
   */
  serial?: boolean;
}

export interface WorkspaceLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

function uid(): string {
  return typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username.replace(/[^\w.-]/g, '_');
}

/** The lock file for `root` (resolved through symlinks, so two spellings of one folder share it). */
export function workspaceLockPath(root: string, lockDir = os.tmpdir()): string {
  let real = path.resolve(root);
  try {
    real = fs.realpathSync(real);
  } catch {
    // A folder that does not exist yet is locked by its spelled path.
  }
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return path.join(lockDir, `${LOCK_PREFIX}${uid()}-${hash}`);
}

function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

type Reading = { holder: LockHolder; mtimeMs: number } | { holder: undefined; mtimeMs: number } | undefined;

function readLock(file: string): Reading {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { holder: undefined, mtimeMs };
  }
  const parsed = Holder.safeParse(json);
  return { holder: parsed.success ? parsed.data : undefined, mtimeMs };
}

/** Why the lock is dead (its holder crashed), or undefined while its holder may still be working. */
export function staleReason(reading: NonNullable<Reading>, now = Date.now()): string | undefined {
  const { holder, mtimeMs } = reading;
  if (!holder) return now - mtimeMs > RECOVER_STALE_MS ? 'the lock file is unreadable' : undefined;
  if (holder.host === os.hostname()) {
    if (!isAlive(holder.pid)) return `process ${holder.pid} no longer runs`;
    const start = holder.procStart && procStart(holder.pid);
    if (start && start !== holder.procStart) return `process ${holder.pid} no longer runs (its pid was reused)`;
    if (holder.pid === process.pid && !held.has(holder.nonce)) return 'this process holds no such lock';
  }
  if (now - mtimeMs > STALE_AFTER_MS) return `its holder has not touched it for ${Math.round((now - mtimeMs) / 1000)} s`;
  return undefined;
}

/** Locks this process holds, by nonce: released on exit even when the host calls process.exit(). */
const held = new Map<string, string>();
/** Per lock file: the lock this process holds and how many callers share it (re-entrant in one process). */
const shared = new Map<string, { lock: WorkspaceLock; count: number }>();

process.once('exit', () => {
  for (const [nonce, file] of held) {
    if (readLock(file)?.holder?.nonce === nonce) fs.rmSync(file, { force: true });
  }
});

function tryCreate(file: string, holder: LockHolder): boolean {
  const temp = `${file}.${holder.nonce}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(holder) + '\n');
  try {
    fs.linkSync(temp, file); // atomic, and fails if a lock is already there
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Temp files of `tryCreate` left by a process killed between writing and linking them. */
function removeOldTemps(file: string): void {
  const base = path.basename(file);
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (!name.startsWith(`${base}.`) || !name.endsWith('.tmp')) continue;
    const temp = path.join(path.dirname(file), name);
    if (Date.now() - (fs.statSync(temp, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > RECOVER_STALE_MS) fs.rmSync(temp, { force: true });
  }
}

/** Remove `file` if it still holds the stale owner `nonce`; serialized with other recoverers. */
function removeStale(file: string, seen: NonNullable<Reading>): void {
  const recover = `${file}.recover`;
  try {
    fs.writeFileSync(recover, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (fs.statSync(recover, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > RECOVER_STALE_MS) fs.rmSync(recover, { force: true });
    return; // someone else is recovering; the caller retries
  }
  try {
    const now = readLock(file);
    const same = now && (now.holder?.nonce ?? `mtime:${now.mtimeMs}`) === (seen.holder?.nonce ?? `mtime:${seen.mtimeMs}`);
    if (same && staleReason(now)) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(recover, { force: true });
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'Another Self-Heal run';
  const since = new Date(holder.started).toLocaleTimeString();
  return `Another Self-Heal run (${holder.owner}, pid ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, since ${since})`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function newLock(file: string, holder: LockHolder): WorkspaceLock {
  held.set(holder.nonce, file);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // The file is gone (removed by hand); release will notice.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    file,
    holder,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      held.delete(holder.nonce);
      // Only our own lock: if it was judged stale and replaced, the new holder keeps theirs.
      if (readLock(file)?.holder?.nonce === holder.nonce) await fs.promises.rm(file, { force: true });
    },
  };
}

/**
 * Take the workspace lock, waiting up to `waitMs` for another run to finish; a lock left by a
 * crashed run is cleared at once. Re-entrant within one process: the extension's own heal and
 * apply share it (its Healer already runs one heal at a time).
 */
export async function acquireWorkspaceLock(root: string, options: LockOptions = {}): Promise<WorkspaceLock> {
  const file = workspaceLockPath(root, options.lockDir);
  const mine = shared.get(file);
  if (mine) {
    mine.count++;
    return sharedHandle(file, mine);
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    owner: options.owner ?? 'Self-Heal',
    started: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
    procStart: procStart(process.pid),
    root: path.resolve(root),
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (;;) {
    if (options.signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled while waiting for another Self-Heal run; nothing was changed.');
    if (tryCreate(file, holder)) break;
    const reading = readLock(file);
    if (reading && staleReason(reading)) {
      removeStale(file, reading);
      continue;
    }
    if (reading && Date.now() >= deadline) {
      throw new SelfHealError(
        'BUSY',
        `${describeHolder(reading.holder)} is working on this workspace. Wait for it to finish, or stop it; a lock left by a crashed run is cleared automatically.`,
      );
    }
    await sleep(options.pollMs ?? 100, options.signal);
  }
  removeOldTemps(file);
  const entry = { lock: newLock(file, holder), count: 1 };
  shared.set(file, entry);
  return sharedHandle(file, entry);
}

/** One caller's share of the process's lock; the file goes when the last share is released. */
function sharedHandle(file: string, entry: { lock: WorkspaceLock; count: number }): WorkspaceLock {
  let released = false;
  return {
    file,
    holder: entry.lock.holder,
    async release() {
      if (released) return;
      released = true;
      if (--entry.count === 0) {
        shared.delete(file);
        await entry.lock.release();
      }
    },
  };
}

/** Per lock file: the turn of this process's `serial` work. */
const serialTurns = new Map<string, Mutex>();

function serialTurn(file: string, waitMs: number): MutexInterface {
  let turn = serialTurns.get(file);
  if (!turn) serialTurns.set(file, (turn = new Mutex()));
  const busy = new SelfHealError('BUSY', 'Self-Heal is still writing another change to this workspace. Try again in a moment.');
  return waitMs > 0 ? withTimeout(turn, waitMs, busy) : tryAcquire(turn, busy);
}

/** Run `work` holding the workspace lock; the lock is released however `work` ends. */
export async function withWorkspaceLock<T>(root: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  if (options.serial) {
    const turn = serialTurn(workspaceLockPath(root, options.lockDir), options.waitMs ?? 0);
    return turn.runExclusive(() => withWorkspaceLock(root, { ...options, serial: false }, work));
  }
  const lock = await acquireWorkspaceLock(root, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
