/**
 * Results from what a runner printed for people. Each runner writes its results to one stream
 * (jest to stderr, the others to stdout), and that stream is read on its own: warnings, deprecation
 * notices and the tests' own console output on the other stream never reach a test id. Node's
 * warning lines are taken out of the results stream too, for runners that share it with them.
 */
import { parseTestOutput, type ParseResult } from '../signals';
import type { RunnerDescriptor } from './descriptor';

/** `(node:32666) [DEP0005] DeprecationWarning: …` and `(node:1) Warning: …` */
const NODE_WARNING = /^\(node:\d+\) (?:\[[\w-]+\] )?\w*Warning: /;
/** The hint node prints under its first warning. */
const NODE_WARNING_HINT = /^\(Use `node --trace-[\w-]+ \.\.\.` to show where the warning was created\)$/;

export function withoutNodeWarnings(text: string): string {
  return text
    .split('\n')
    .filter((line) => !NODE_WARNING.test(line.trim()) && !NODE_WARNING_HINT.test(line.trim()))
    .join('\n');
}

export interface RunStreams {
  stdout: string;
  stderr: string;
  /** Both interleaved: the last resort when the results stream holds nothing parsable. */
  output: string;
}

/**
 * Outcomes and failures from the results stream; when that holds none (a file that does not load
 * prints its error on the other stream), from both streams, still without node's warnings.
 */
export function parseHumanOutput(streams: RunStreams, runner: RunnerDescriptor | undefined, root: string): ParseResult {
  if (runner) {
    const own = parseTestOutput(withoutNodeWarnings(streams[runner.resultStream]), { runner: runner.name, root });
    if (own.outcomes.length > 0) return own;
  }
  return parseTestOutput(withoutNodeWarnings(streams.output), { runner: runner?.name, root });
}
