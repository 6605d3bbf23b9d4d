/**
 * Parent side of the fast screen (see screenWorker.ts). One worker per sandbox; a candidate that
 * hangs the worker (an infinite loop is a common mutant) is killed with its process tree and the
 * next call starts a fresh worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostPlatform } from './platform';
import { cleanEnv } from './process';
import type { ScreenTest } from './screenWorker';

export type { ScreenTest };

export type ScreenOutcome =
  { kind: 'ran'; tests: ScreenTest[]; loadError?: string; ms: number } | { kind: 'timeout'; ms: number } | { kind: 'unsupported'; reason: string };

function workerEntry(): { file: string; execArgv: string[] } {
  // Next to the bundle (dist/cli.js, dist/extension.js), or the built copy when running from source.
  for (const candidate of [path.join(__dirname, 'screenWorker.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'screenWorker.js')]) {
    if (fs.existsSync(candidate)) return { file: candidate, execArgv: [] };
  }
  // Unbuilt source tree: run the TypeScript through tsx, resolved from here, not from the sandbox.
  return { file: path.join(__dirname, 'screenWorker.ts'), execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}

/** Module caches are cleared between runs, but closures the code under test leaves behind are not: recycle the worker now and then. */
const RUNS_PER_WORKER = 150;
/**
 * How long a new worker may take to start. Its start is not part of a run's budget: that budget is
 * derived from a warm run, and a start on a busy machine (seconds at load 8) counted against it
 * made every candidate after the first kill look like a hang, so no fix was found at all.
 */
const STARTUP_MS = 30_000;

export class Screen {
  private worker: ChildProcess | undefined;
  private unsupported: string | undefined;
  private runs = 0;

  constructor(
    private readonly cwd: string,
    private readonly testTimeoutMs: number,
  ) {}

  get supported(): boolean {
    return this.unsupported === undefined;
  }

  private spawn(): ChildProcess {
    const entry = workerEntry();
    const child = fork(entry.file, [], {
      cwd: this.cwd,
      execArgv: entry.execArgv,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      ...hostPlatform.treeRoot,
      env: cleanEnv({ ...process.env, NODE_ENV: 'test', CI: 'true' }),
    });
    child.on('error', () => undefined);
    return child;
  }

  private kill(): void {
    const pid = this.worker?.pid;
    this.worker = undefined;
    if (pid) hostPlatform.killTree(pid);
  }

  /** Run `files` (absolute paths) in the worker. Budget: the whole run, after which the worker is killed. */
  async run(files: string[], budgetMs: number, signal?: AbortSignal): Promise<ScreenOutcome> {
    if (this.unsupported) return { kind: 'unsupported', reason: this.unsupported };
    if (++this.runs % RUNS_PER_WORKER === 0) this.kill();
    if (!this.worker) {
      const worker = this.spawn();
      this.worker = worker;
      if (!(await whenReady(worker, STARTUP_MS, signal))) {
        this.kill();
        return { kind: 'timeout', ms: 0 };
      }
    }
    const worker = this.worker;
    const started = Date.now();
    const outcome = await new Promise<ScreenOutcome>((resolve) => {
      const done = (value: ScreenOutcome): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onMessage = (message: { ok?: boolean; ready?: boolean; tests?: ScreenTest[]; unsupported?: string; loadError?: string }): void => {
        if (message.ready) return;
        if (message.ok) done({ kind: 'ran', tests: message.tests ?? [], loadError: message.loadError, ms: Date.now() - started });
        else done({ kind: 'unsupported', reason: message.unsupported ?? 'unknown' });
      };
      const onExit = (): void => {
        this.worker = undefined;
        done({ kind: 'timeout', ms: Date.now() - started });
      };
      const onAbort = (): void => {
        this.kill();
        done({ kind: 'timeout', ms: Date.now() - started });
      };
      const timer = setTimeout(() => {
        this.kill();
        done({ kind: 'timeout', ms: Date.now() - started });
      }, budgetMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.send({ files, timeoutMs: this.testTimeoutMs });
    });
    if (outcome.kind === 'unsupported') {
      this.unsupported = outcome.reason;
      this.kill();
    }
    return outcome;
  }

  dispose(): void {
    this.kill();
  }
}

/** Resolves true when `worker` says it is ready, false when it exits, is cancelled or takes longer than `ms`. */
function whenReady(worker: ChildProcess, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      resolve(ready);
    };
    const onMessage = (message: { ready?: boolean }): void => {
      if (message.ready) done(true);
    };
    const onExit = (): void => done(false);
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(false), ms);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
