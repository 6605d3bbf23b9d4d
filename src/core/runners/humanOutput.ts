/**
 * Results from what a runner printed for people. Each runner writes its results to one stream
 * (jest to stderr, the others to stdout), and that stream is read on its own: warnings, deprecation
 * notices and the tests' own console output on the other stream never reach a test id. Node's
 * warning lines are taken out by the parsers themselves (signals/nodeWarnings.ts), for runners
 * that share a stream with them.
 */
import { parseTestOutput, type ParseResult } from '../signals';
import type { RunnerDescriptor } from './descriptor';

export interface RunStreams {
  stdout: string;
  stderr: string;
  /** Both interleaved: the last resort when the results stream holds nothing parsable. */
  output: string;
}

/**
 * Outcomes and failures from the results stream; when that holds none (a file that does not load
 * prints its error on the other stream), from both streams.
 */
export function parseHumanOutput(streams: RunStreams, runner: RunnerDescriptor | undefined, root: string): ParseResult {
  if (runner) {
    const own = parseTestOutput(streams[runner.resultStream], { runner: runner.name, root });
    if (own.outcomes.length > 0) return own;
  }
  return parseTestOutput(streams.output, { runner: runner?.name, root });
}
