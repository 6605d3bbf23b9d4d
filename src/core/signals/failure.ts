/**
 * What every runner parser shares: the id scheme, the shape of a parse result, and the rules for
 * turning a runner's error text into a Failure (the paper's Signal → Failure step).
 */
import type { z } from 'zod';
import { Failure, type StackFrame, type TestOutcome } from '../model';
import { projectFrames } from './stack';

export interface ParseResult {
  outcomes: TestOutcome[];
  failures: Failure[];
}

export function emptyResult(): ParseResult {
  return { outcomes: [], failures: [] };
}

/**
 * `file > suite > name`. Callers pass `file` only when the runner names the file for passing tests
 * as well as failing ones: an id must not change when its test starts passing, or verification
 * could not match a healed test to its baseline.
 */
export function testId(file: string | undefined, names: readonly string[]): string {
  return [...(file ? [file] : []), ...names].join(' > ');
}

/** Message lines kept: enough for an assertion's summary and a short diff, not a whole dump. */
const MESSAGE_LINES = 8;
const MESSAGE_CHARS = 1000;
const STACK_LINE = /^\s*(?:at\s|❯\s)/;
/** Source excerpts under an error (`> 2 | const x = ;`, ` 7|   });`): context, not message. */
export const CODE_FRAME = /^\s*>?\s*\d+\s*\|/;
const ERROR_HEADER = /^\s*[A-Z]\w*(?:Error|Exception)\b[^:]*:/;

/**
 * The first lines of an error, trimmed: up to the stack or a code frame, without blank lines.
 * Headers are put in one form so that every format of a runner words a failure the same way:
 * node's `AssertionError [ERR_ASSERTION]:` becomes `AssertionError:`, and a bare `Error: ` goes
 * (jest's human output and node's TAP leave it out, and it says nothing).
 */
export function summarizeMessage(text: string): string {
  const kept: string[] = [];
  for (const raw of text.split('\n')) {
    if (STACK_LINE.test(raw) || CODE_FRAME.test(raw)) break;
    const line = raw.trim();
    if (line !== '') kept.push(line);
    if (kept.length === MESSAGE_LINES) break;
  }
  const message = kept
    .join('\n')
    .replace(/^(\w*(?:Error|Exception)) \[[^\]]*\]:/, '$1:')
    .replace(/^Error: /, '');
  return message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS)}…` : message;
}

/**
 * The error in output that is mostly something else — a file that failed to load prints it under
 * the runner's advice or among the child's stderr: from the first `SomethingError:` line on.
 */
export function errorIn(lines: readonly string[]): string | undefined {
  const start = lines.findIndex((line) => ERROR_HEADER.test(line));
  return start < 0 ? undefined : summarizeMessage(lines.slice(start).join('\n'));
}

/** Expected/actual values from a JSON report as text: strings verbatim, objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/**
 * The test's file when the runner does not name it: the outermost frame in the user's code. The
 * runner (node_modules, node internals) calls the test, and the test calls the code under test,
 * so the innermost user frame may well be in `src/`.
 */
export function testFileIn(stack: readonly StackFrame[]): string | undefined {
  return projectFrames(stack).at(-1)?.file;
}

/** The line of the first frame in `file`: the failing assertion, not the test's declaration. */
export function lineIn(stack: readonly StackFrame[], file: string | undefined): number | undefined {
  return file === undefined ? undefined : stack.find((frame) => frame.file === file)?.line;
}

/**
 * Both sides of a `+`/`-` diff as printed under an assertion. `minus` says which side the `-`
 * lines belong to (mocha: actual; jest and vitest: expected); `gap` is the width of the marker
 * column (mocha writes `-x`, jest `- x`).
 */
export function diffSides(lines: readonly string[], minus: 'expected' | 'actual', gap: 1 | 2): { expected: string; actual: string } {
  const minusSide: string[] = [];
  const plusSide: string[] = [];
  for (const line of lines) {
    const marker = line[0];
    const content = line.slice(gap);
    if (marker === '-') minusSide.push(content);
    else if (marker === '+') plusSide.push(content);
    else {
      minusSide.push(content);
      plusSide.push(content);
    }
  }
  const [expected, actual] = minus === 'expected' ? [minusSide, plusSide] : [plusSide, minusSide];
  return { expected: expected.join('\n'), actual: actual.join('\n') };
}

/** The first paragraph of `lines`: leading blank lines skipped, then up to the next blank line. */
export function paragraph(lines: readonly string[]): string[] {
  const start = lines.findIndex((line) => line.trim() !== '');
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Lines with their common leading indentation removed (blank lines do not count). */
export function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(cut));
}

export function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Build a Failure through its schema so that defaults (stack, source, runner) always apply. */
export function makeFailure(fields: z.input<typeof Failure>): Failure {
  return Failure.parse(fields);
}

/** One outcome per id, in first-seen order; a runner may report a test twice (tree and failure list), and a failure wins. */
export function uniqueOutcomes(outcomes: readonly TestOutcome[]): TestOutcome[] {
  const seen = new Map<string, TestOutcome>();
  for (const outcome of outcomes) {
    const previous = seen.get(outcome.id);
    if (!previous || (previous.status !== 'failed' && outcome.status === 'failed')) seen.set(outcome.id, outcome);
  }
  return [...seen.values()];
}

/**
 * The JSON report inside `text`: the whole text, or from the first line that opens an object to
 * the last closing brace (runners print logs or a human summary around `--json` output).
 */
export function findJson(text: string): unknown {
  const attempts = [text.trim()];
  const end = text.lastIndexOf('}');
  for (const match of text.matchAll(/^\{/gm)) {
    if (attempts.length > 20) break;
    attempts.push(text.slice(match.index, end + 1));
  }
  for (const attempt of attempts) {
    if (!attempt.startsWith('{')) continue;
    try {
      return JSON.parse(attempt) as unknown;
    } catch {
      // Not this one; a later opening brace may start the report.
    }
  }
  return undefined;
}

/** A plain object, for walking untrusted JSON without casts scattered through the parsers. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
