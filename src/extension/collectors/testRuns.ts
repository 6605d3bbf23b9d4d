/**
 * What the terminal and task collectors report: a finished test run, either passing or with
 * failures. The healer turns failures into diagnostics and, when allowed, a background search.
 */
import type { Failure, SignalSource } from '../../core/model';
import { sameTestCommand } from '../testCommand';

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
 * it. This remembers what terminals are running and ran, so the task collector skips both its
 * signal and its re-run: one signal per test run (issue 15 §8).
 */
export class RecentTerminalRuns {
  private readonly runs: TerminalRun[] = [];

  constructor(private readonly windowMs = 5_000) {}

  /** A terminal started reading `command`'s output. */
  start(command: string, at: number): TerminalRun {
    const run: TerminalRun = { command, started: at };
    this.runs.push(run);
    while (this.runs.length > 20) this.runs.shift();
    return run;
  }

  end(run: TerminalRun, at: number): void {
    run.ended = at;
  }

  /** The terminal will not report this run (no exit code): a task must not count on it. */
  drop(run: TerminalRun): void {
    const index = this.runs.indexOf(run);
    if (index >= 0) this.runs.splice(index, 1);
  }

  /** True when a terminal is running `command` at `at`, or ended it within the window around `at`. */
  saw(command: string, at: number): boolean {
    return this.runs.some(
      (run) => sameTestCommand(run.command, command) && (run.ended === undefined ? run.started <= at : Math.abs(at - run.ended) <= this.windowMs),
    );
  }
}

export interface TerminalRun {
  command: string;
  started: number;
  ended?: number;
}
