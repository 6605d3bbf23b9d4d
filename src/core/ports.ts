/**
 * Ports: every side effect the core needs from its host. The extension (src/extension/adapters),
 * the CLI (src/cli/adapters) and the unit tests (test/fakes) each provide their own.
 * Process spawning and git are plain Node and live in the core (src/core/verify), because the
 * extension and the CLI run them identically; tests use real processes for them. What differs
 * per OS (the shell, ending a process tree, folder links) is src/core/verify/platform.ts, whose
 * effects the tests replace with fakes (test/fakes/platformEffects.ts) to specify Windows.
 */
import type { HealRecord, TestRun } from './model';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Progress {
  /** `increment` is a percentage of the whole job, as in VS Code's Progress. */
  report(update: { message?: string; increment?: number }): void;
}

/** The user's files as the host sees them (the extension includes unsaved editor buffers). */
export interface WorkspaceFiles {
  readonly root: string;
  /** Current text of a workspace-relative file, or undefined when it does not exist. */
  read(rel: string): Promise<string | undefined>;
  /** Unsaved editor buffers, keyed by workspace-relative path; they go into the sandbox overlay. */
  unsavedBuffers(): Promise<Record<string, string>>;
  /**
   * Replace the whole text of `rel` with `next`, but only if it still equals `expected`;
   * otherwise throw SelfHealError('STALE'). Atomic: a crash leaves either old or new text.
   */
  replace(rel: string, expected: string, next: string): Promise<void>;
}

export interface Ledger {
  append(record: HealRecord): Promise<void>;
  /** All valid records in order; malformed or torn lines are skipped. */
  read(): Promise<HealRecord[]>;
}

export interface TestRunRequest {
  cwd: string;
  command: string;
  /** Narrow the run to these test files (workspace-relative) when the runner supports it. */
  files?: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface TestRunner {
  run(request: TestRunRequest): Promise<TestRun>;
  /**
   * Whether a run narrowed to `files` runs less than the whole command: false when the command
   * cannot be narrowed, or its own paths already are those files (`mocha test/index.js`, an entry
   * that requires every spec). Runners that cannot tell leave it out, and narrowing is assumed to help.
   */
  narrows?(request: { cwd: string; command: string; files: string[] }): Promise<boolean>;
}

export interface LlmRequest {
  system: string;
  user: string;
  signal?: AbortSignal;
}

export interface LlmReply {
  text: string;
  usage: { input: number; output: number };
}

export interface Llm {
  complete(request: LlmRequest): Promise<LlmReply>;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const noProgress: Progress = { report() {} };
