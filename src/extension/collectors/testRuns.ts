/**
 * What the terminal and task collectors report: a finished test run, either passing or with
 * failures. The healer turns failures into diagnostics and, when allowed, a background search.
 */
import type { Failure, SignalSource } from '../../core/model';

export interface TestRunSignal {
  source: Extract<SignalSource, 'terminal' | 'task'>;
  command: string;
  exitCode: number;
  failures: Failure[];
  /** performance.now() when the run ended: the start of "failure → lightbulb". */
  endedAt: number;
}

export type TestRunSink = (signal: TestRunSignal) => void;

/** Parses runner output the way the core does; injected so the collectors load the parsers lazily. */
export type OutputParser = (output: string, command: string) => Promise<Failure[]>;

/**
 * Shell tasks run in a terminal with shell integration, so one task run reaches both collectors.
 * The terminal collector has the output; the task collector would have to re-run the tests to get
 * it. This remembers what the terminal saw, so the task collector can skip its re-run.
 */
export class RecentTerminalRuns {
  private readonly ended: Array<{ command: string; at: number }> = [];

  constructor(private readonly windowMs = 5_000) {}

  add(command: string, at: number): void {
    this.ended.push({ command: command.trim(), at });
    while (this.ended.length > 20) this.ended.shift();
  }

  /** True when the terminal saw `command` end within the window before `at`. */
  saw(command: string, at: number): boolean {
    return this.ended.some((run) => run.command === command.trim() && Math.abs(at - run.at) <= this.windowMs);
  }
}
