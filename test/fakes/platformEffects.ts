/**
 * Recording fakes of the side effects behind ProcessPlatform (src/core/verify/platform.ts), so
 * tests can specify the Windows branch on Linux: nothing is spawned, killed or linked for real.
 * A spawned child is a FakeChild that the test makes exit; `taskkill` on its pid ends it, as the
 * real one would.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { PlatformEffects } from '../../src/core/verify/platform';

/** Enough of a ChildProcess for runProcess: pid, two output pipes, 'exit' and then 'close' once both pipes have closed. */
export class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  private open = 2;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(readonly pid: number) {
    super();
    for (const pipe of [this.stdout, this.stderr]) {
      pipe.on('close', () => {
        this.open--;
        this.maybeClose();
      });
      pipe.resume();
    }
  }

  /** The root process ends; its pipes stay open unless `closePipes` (a daemon it left may hold them). */
  exit(code: number | null, signal: NodeJS.Signals | null, closePipes = true): void {
    this.exited = { code, signal };
    this.emit('exit', code, signal);
    if (closePipes) {
      this.stdout.end();
      this.stderr.end();
    }
    this.maybeClose();
  }

  private maybeClose(): void {
    if (this.open === 0 && this.exited) this.emit('close', this.exited.code, this.exited.signal);
  }
}

export interface Recorded {
  spawns: Array<{ file: string; args: string[]; options: SpawnOptions }>;
  kills: Array<{ pid: number; signal: NodeJS.Signals }>;
  runs: Array<{ file: string; args: string[] }>;
  symlinks: Array<{ target: string; at: string; type: string }>;
  copies: Array<{ target: string; at: string }>;
  children: FakeChild[];
}

export interface FakeEffectsOptions {
  /** Targets that are folders (isFolder); everything else is a file. */
  folders?: string[];
  /** Make symlink() fail, as a junction does across volumes. */
  symlinkFails?: boolean;
  /** The pid of the next spawned child. */
  pid?: number;
}

export function fakeEffects(options: FakeEffectsOptions = {}): { effects: PlatformEffects; recorded: Recorded } {
  const recorded: Recorded = { spawns: [], kills: [], runs: [], symlinks: [], copies: [], children: [] };
  const live = new Map<number, FakeChild>();
  const effects: PlatformEffects = {
    spawn(file, args, spawnOptions) {
      recorded.spawns.push({ file, args, options: spawnOptions });
      const child = new FakeChild(options.pid ?? 4242);
      recorded.children.push(child);
      live.set(child.pid, child);
      return child as unknown as ChildProcess;
    },
    kill(pid, signal) {
      recorded.kills.push({ pid, signal });
      live.get(Math.abs(pid))?.exit(null, signal);
    },
    runDetached(file, args) {
      recorded.runs.push({ file, args });
      const pid = Number(args[args.indexOf('/pid') + 1]);
      if (file === 'taskkill' && args.includes('/T') && args.includes('/F')) setImmediate(() => live.get(pid)?.exit(1, null));
    },
    async symlink(target, at, type) {
      if (options.symlinkFails) throw Object.assign(new Error(`EPERM: operation not permitted, symlink '${target}' -> '${at}'`), { code: 'EPERM' });
      recorded.symlinks.push({ target, at, type });
    },
    async isFolder(target) {
      return (options.folders ?? []).includes(target);
    },
    async copy(target, at) {
      recorded.copies.push({ target, at });
    },
    comspec: 'C:\\Windows\\system32\\cmd.exe',
  };
  return { effects, recorded };
}
