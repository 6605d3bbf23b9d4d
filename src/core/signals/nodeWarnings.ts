/**
 * Node's own warning lines. They go to stderr, which a terminal (and the extension's terminal
 * collector) shows between the test results, so every parser reads output without them: a
 * warning must never become a suite title or part of a test id.
 */

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
