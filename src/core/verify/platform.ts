/**
 * What differs between POSIX and Windows when Self-Heal starts a test command, ends it with every
 * process it started, and links the user's node_modules into a sandbox: the one place that
 * decides these per `process.platform` (the Linux-only extras, /dev/shm and the /proc scan for
 * leftover processes, stay in sandbox.ts and are skipped elsewhere).
 *
 * - POSIX: `/bin/sh -c` in a new process group, so `kill(-pid)` reaches every descendant; a
 *   folder link is a symlink.
 * - Windows: there is no /bin/sh and no process group to signal (a negative pid is an error), so
 *   the command runs through `cmd.exe /d /s /c` as Node's own `shell: true` would, and the tree is
 *   ended by `taskkill /T /F`, which walks the parent links (what the tree-kill package does
 *   too). A symlink needs Developer Mode or admin rights, a junction does not; a junction only
 *   leads to a folder on a local NTFS volume, so a file, or a folder no junction can reach, is copied.
 *
 * Tested on Linux; the Windows branch is specified by unit tests with fakes
 * (test/core/verify/platform.test.ts), not run on Windows.
 */
import { execFile, spawn, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs/promises';

export interface ProcessPlatform {
  /** `word` as one argument of a command line for `spawnShell`: as it is when it is plainly safe, else quoted for that shell. */
  quote(word: string): string;
  /** Start the command line `command` with its output piped, as the root of a tree `killTree` can end. */
  spawnShell(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess;
  /** Options that make a forked worker the root of a tree `killTree` can end. */
  readonly treeRoot: Pick<ForkOptions, 'detached' | 'windowsHide'>;
  /** End `pid` and all its descendants, now. Quiet when they are already gone. */
  killTree(pid: number): void;
  /**
   * Windows only: how long after the root exits its orphans may keep the output pipes open before
   * this side closes them. `taskkill /T` finds children by their parent's pid, which no longer
   * runs then, so a daemon the tests left could hold the run open forever. POSIX: undefined,
   * the group kill on exit ends them.
   */
  readonly orphanPipeGraceMs: number | undefined;
  /**
   * Make `at` lead to `target` (absolute): the user's node_modules, one entry in it, a .env file.
   * POSIX: a symlink. Windows: a junction for a folder, a copy for a file or where no junction can go.
   */
  link(target: string, at: string): Promise<void>;
}

/** The side effects a platform needs, injectable so tests can specify Windows on Linux. */
export interface PlatformEffects {
  spawn(file: string, args: string[], options: SpawnOptions): ChildProcess;
  /** process.kill */
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Run a helper program (taskkill) without waiting for it. */
  runDetached(file: string, args: string[]): void;
  symlink(target: string, at: string, type: 'dir' | 'junction'): Promise<void>;
  isFolder(target: string): Promise<boolean>;
  copy(target: string, at: string): Promise<void>;
  /** Where cmd.exe is (%ComSpec%). */
  comspec: string | undefined;
}

const nodeEffects: PlatformEffects = {
  spawn: (file, args, options) => spawn(file, args, options),
  kill: (pid, signal) => process.kill(pid, signal),
  runDetached: (file, args) => {
    execFile(file, args, { windowsHide: true }, () => undefined); // "not found": the tree is already gone
  },
  symlink: (target, at, type) => fs.symlink(target, at, type),
  isFolder: (target) =>
    fs.stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    ),
  copy: (target, at) => fs.cp(target, at, { recursive: true, dereference: true }),
  comspec: process.env.ComSpec,
};

const PIPE_OPTIONS = { stdio: ['ignore', 'pipe', 'pipe'] } satisfies SpawnOptions;

const PLAIN_WORD = /^[\w./@:+-]+$/;

function posix(effects: PlatformEffects): ProcessPlatform {
  return {
    quote: (word) => (PLAIN_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`),
    spawnShell: (command, options) => effects.spawn('/bin/sh', ['-c', command], { ...options, ...PIPE_OPTIONS, detached: true }),
    treeRoot: { detached: true },
    killTree(pid) {
      try {
        effects.kill(-pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    },
    orphanPipeGraceMs: undefined,
    link: (target, at) => effects.symlink(target, at, 'dir'),
  };
}

function windows(effects: PlatformEffects): ProcessPlatform {
  return {
    // cmd.exe knows no single quotes; a program's own argument parser (the C runtime's rules)
    // reads "…" with \" inside, and backslashes doubled only before a quote. Inside the quotes cmd.exe
    // leaves & | < > ( ) ^ alone; %VAR% still expands, and a quote inside the word ends that shelter.
    quote: (word) => (PLAIN_WORD.test(word) ? word : `"${word.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`),
    // What `spawn(command, { shell: true })` does on Windows, spelt out: /d skips AutoRun
    // commands, /s with the outer quotes keeps the user's own quoting intact.
    spawnShell: (command, options) =>
      effects.spawn(effects.comspec || 'cmd.exe', ['/d', '/s', '/c', `"${command}"`], {
        ...options,
        ...PIPE_OPTIONS,
        windowsVerbatimArguments: true,
        windowsHide: true,
        detached: false,
      }),
    // detached on Windows means a console of its own, not a group: keep workers in ours, hidden.
    treeRoot: { detached: false, windowsHide: true },
    killTree: (pid) => effects.runDetached('taskkill', ['/pid', String(pid), '/T', '/F']),
    orphanPipeGraceMs: 2000,
    async link(target, at) {
      if (await effects.isFolder(target)) {
        try {
          await effects.symlink(target, at, 'junction');
          return;
        } catch {
          // A network drive, or a file system without reparse points (FAT): no junction there.
        }
      }
      await effects.copy(target, at);
    },
  };
}

export function platformFor(platform: NodeJS.Platform, effects: Partial<PlatformEffects> = {}): ProcessPlatform {
  const all = { ...nodeEffects, ...effects };
  return platform === 'win32' ? windows(all) : posix(all);
}

/** The platform Self-Heal runs on. */
export const hostPlatform: ProcessPlatform = platformFor(process.platform);
