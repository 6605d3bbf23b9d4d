/**
 * Runs one shell command as the root of a process tree, so that a timeout or a cancel kills the
 * whole tree — test runners fork workers, and a forked daemon must not outlive the run. How the
 * shell is started and the tree ended depends on the platform (platform.ts).
 */
import { hostPlatform, type ProcessPlatform } from './platform';

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Both streams interleaved as they arrived: for explanations, never for test ids. */
  output: string;
  /** Each stream on its own, so a warning on stderr never lands inside a result line on stdout. */
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  ms: number;
}

export interface ProcessRequest {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  /** Output beyond this is dropped from the middle: the head names the runner, the tail holds the summary. */
  maxOutput?: number;
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * The environment for a test run. NODE_TEST_CONTEXT is how node:test tells its own child
 * processes to report in a binary protocol; inherited by the user's `node --test` (when Self-Heal
 * itself runs under a test runner) it would make their output unreadable.
 */
export function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.NODE_TEST_CONTEXT;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

export function runProcess(request: ProcessRequest, platform: ProcessPlatform = hostPlatform): Promise<ProcessResult> {
  const started = Date.now();
  const max = request.maxOutput ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    const child = platform.spawnShell(request.command, { cwd: request.cwd, env: cleanEnv({ ...process.env, ...request.env }) });
    const output = new CappedText(max);
    const stdout = new CappedText(max);
    const stderr = new CappedText(max);
    child.stdout?.on('data', (chunk: Buffer) => {
      output.add(chunk);
      stdout.add(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output.add(chunk);
      stderr.add(chunk);
    });
    let timedOut = false;
    let cancelled = false;
    const killGroup = (): void => {
      if (child.pid) platform.killTree(child.pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      killGroup();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    child.on('error', (error) => {
      output.add(`\n${error.message}\n`);
      stderr.add(`\n${error.message}\n`);
    });
    // Daemons forked by the tests may still hold the output pipes open: end them with the run,
    // or 'close' would wait for them until the timeout. On Windows the tree cannot be found from a
    // root that has exited (platform.ts), so the pipes are closed after a grace instead.
    let orphanGrace: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      if (platform.orphanPipeGraceMs === undefined) return killGroup();
      orphanGrace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, platform.orphanPipeGraceMs);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(orphanGrace);
      request.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, output: output.text(), stdout: stdout.text(), stderr: stderr.text(), timedOut, cancelled, ms: Date.now() - started });
    });
  });
}

/** Text kept up to `max` characters: beyond that the middle is dropped, keeping head and tail. */
class CappedText {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly max: number) {}

  add(chunk: Buffer | string): void {
    const text = chunk.toString();
    if (this.head.length < this.max / 2) {
      this.head += text;
      return;
    }
    this.tail += text;
    if (this.tail.length > this.max / 2) {
      this.dropped += this.tail.length - this.max / 2;
      this.tail = this.tail.slice(this.tail.length - this.max / 2);
    }
  }

  text(): string {
    return this.dropped > 0 ? `${this.head}\n… ${this.dropped} characters of output omitted …\n${this.tail}` : this.head + this.tail;
  }
}
