/**
 * Jest: the `--json` report (also vitest's `--reporter=json`, which copies its shape) and the
 * default human output. Jest names the file of every test in both, so ids carry it:
 * `math.test.js > math > adds`.
 */
import type { Failure, TestOutcome } from '../model';
import {
  CODE_FRAME,
  describeValue,
  diffSides,
  emptyResult,
  errorIn,
  findJson,
  isRecord,
  lineIn,
  makeFailure,
  paragraph,
  stringOf,
  summarizeMessage,
  testId,
  uniqueOutcomes,
  dedent,
  type ParseResult,
} from './failure';
import { parseStack, toWorkspacePath } from './stack';
import { unescapeJs } from './tapYaml';

/** Either jest format: the JSON report when the text holds one, otherwise the human output. */
export function parseJest(text: string, root: string): ParseResult {
  const json = findJson(text);
  return isRecord(json) && Array.isArray(json.testResults) ? parseJestJson(json, root) : parseJestText(text, root);
}

const STATUS: Record<string, TestOutcome['status']> = {
  passed: 'passed',
  failed: 'failed',
  pending: 'skipped',
  skipped: 'skipped',
  todo: 'skipped',
  disabled: 'skipped',
};

/**
 * `testResults[]` (one per file, `name` absolute) of `assertionResults[]`. Jest adds
 * `failureDetails[].matcherResult` with the compared values; vitest has none, so there the values
 * come from chai's message (`expected -1 to be 5`).
 */
export function parseJestJson(report: unknown, root: string, runner: 'jest' | 'vitest' = 'jest'): ParseResult {
  if (!isRecord(report) || !Array.isArray(report.testResults)) return emptyResult();
  const result = emptyResult();
  const outcomes: TestOutcome[] = [];
  for (const fileResult of report.testResults.filter(isRecord)) {
    const absolute = stringOf(fileResult.name);
    const file = absolute === undefined ? undefined : toWorkspacePath(absolute, root);
    const assertions = Array.isArray(fileResult.assertionResults) ? fileResult.assertionResults.filter(isRecord) : [];
    for (const assertion of assertions) {
      const title = stringOf(assertion.title);
      if (title === undefined) continue;
      const ancestors = Array.isArray(assertion.ancestorTitles) ? assertion.ancestorTitles.filter((t) => typeof t === 'string') : [];
      const id = testId(file, [...ancestors, title]);
      const status = STATUS[stringOf(assertion.status) ?? ''] ?? 'skipped';
      outcomes.push({ id, status });
      if (status !== 'failed') continue;
      const messages = Array.isArray(assertion.failureMessages) ? assertion.failureMessages.filter((m) => typeof m === 'string') : [];
      const text = messages.join('\n');
      const stack = parseStack(text, root);
      const declared = isRecord(assertion.location) && typeof assertion.location.line === 'number' ? assertion.location.line : undefined;
      result.failures.push(
        makeFailure({
          id,
          name: title,
          file,
          line: lineIn(stack, file) ?? declared,
          message: matcherMessage(text.split('\n')),
          ...comparedValues(assertion, text),
          stack,
          runner,
        }),
      );
    }
    // A file that failed without a failing test did not run: syntax error, missing module.
    const message = stringOf(fileResult.message) ?? '';
    if (stringOf(fileResult.status) === 'failed' && message.trim() !== '' && !assertions.some((a) => a.status === 'failed')) {
      const id = testId(file, []);
      outcomes.push({ id, status: 'failed' });
      result.failures.push(fileFailure(id, file, message, root, runner));
    }
  }
  result.outcomes = uniqueOutcomes(outcomes);
  return result;
}

function comparedValues(assertion: Record<string, unknown>, text: string): { expected?: string; actual?: string } {
  const details = Array.isArray(assertion.failureDetails) ? assertion.failureDetails : [];
  for (const detail of details) {
    const matcher = isRecord(detail) && isRecord(detail.matcherResult) ? detail.matcherResult : undefined;
    if (matcher && ('expected' in matcher || 'actual' in matcher)) {
      return { expected: describeValue(matcher.expected), actual: describeValue(matcher.actual) };
    }
  }
  const chai = /^AssertionError: expected (.+?) to (?:be|equal|deeply equal|strictly equal|eql) (.+?)(?: \/\/ .*)?$/m.exec(text);
  return chai ? { actual: unquote(chai[1]), expected: unquote(chai[2]) } : {};
}

/** Chai quotes strings (`'a\\nb'`); the human reporters show them as the text they are. */
function unquote(value: string): string {
  return /^'.*'$/.test(value) ? unescapeJs(value.slice(1, -1)) : value;
}

/**
 * The matcher's own words, without the values it goes on to print (`Expected: 5`, `- Expected`):
 * those are in expected/actual, and the JSON and human reports must agree on the message.
 */
function matcherMessage(lines: readonly string[]): string {
  const end = lines.findIndex((line) => /^\s*(?:Expected: |- Expected)/.test(line));
  return summarizeMessage((end >= 0 ? lines.slice(0, end) : lines).join('\n'));
}

/**
 * A file that never ran its tests. The useful line is the error's (`SyntaxError: …`), buried
 * under jest's advice; its line number is in `(line:col)` or vitest's `At file: …:line:col`.
 */
export function fileFailure(id: string, file: string | undefined, text: string, root: string, runner: 'jest' | 'vitest'): Failure {
  const lines = text.split('\n');
  const message = errorIn(lines) ?? summarizeMessage(lines.filter((line) => !/^\s*●/.test(line)).join('\n'));
  const position = /\((\d+):\d+\)$/m.exec(message) ?? /^\s*At file: \S+:(\d+):\d+/m.exec(text);
  return makeFailure({ id, name: file ?? id, file, line: position ? Number(position[1]) : undefined, message, stack: parseStack(text, root), runner });
}

const FILE_HEADER = /^(PASS|FAIL) (\S+)/;
const TREE_TEST = /^([✓✕○✎√×]) (?:skipped |todo )?(.*?)(?: \(\d+(?:\.\d+)? m?s\))?$/;
const BLOCK = /^ {2}● (.*)$/;

/** The default reporter: `FAIL ./file`, an optional verbose tree, then `● suite › test` blocks. */
export function parseJestText(text: string, root: string): ParseResult {
  const lines = text.split('\n');
  const outcomes: TestOutcome[] = [];
  const failures: Failure[] = [];
  let file: string | undefined;
  const suites: { indent: number; title: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = FILE_HEADER.exec(line);
    if (header) {
      file = toWorkspacePath(header[2], root);
      suites.length = 0;
      continue;
    }
    if (/^(?:Test Suites|Tests|Snapshots|Time):/.test(line)) break;
    const block = BLOCK.exec(line);
    if (block) {
      const body: string[] = [];
      while (i + 1 < lines.length && !BLOCK.test(lines[i + 1]) && !FILE_HEADER.test(lines[i + 1]) && !/^\S/.test(lines[i + 1])) body.push(lines[++i]);
      if (block[1] === 'Console') continue;
      if (block[1] === 'Test suite failed to run') {
        const id = testId(file, []);
        outcomes.push({ id, status: 'failed' });
        failures.push(fileFailure(id, file, body.join('\n'), root, 'jest'));
        continue;
      }
      const names = block[1].split(' › ');
      const id = testId(file, names);
      outcomes.push({ id, status: 'failed' });
      // With many test files jest repeats every block under "Summary of all failing tests".
      if (!failures.some((known) => known.id === id)) failures.push(textFailure(id, names[names.length - 1], file, dedent(body), root));
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (!file || trimmed === '' || indent < 2) continue;
    while (suites.length && suites[suites.length - 1].indent >= indent) suites.pop();
    const test = TREE_TEST.exec(trimmed);
    if (!test) {
      suites.push({ indent, title: trimmed });
      continue;
    }
    const status = test[1] === '✓' || test[1] === '√' ? 'passed' : test[1] === '✕' || test[1] === '×' ? 'failed' : 'skipped';
    outcomes.push({ id: testId(file, [...suites.map((s) => s.title), test[2]]), status });
  }
  return { outcomes: uniqueOutcomes(outcomes), failures };
}

/** A `●` block: message, `Expected:`/`Received:` or a `- Expected / + Received` diff, code frame, `at` lines. */
function textFailure(id: string, name: string, file: string | undefined, body: readonly string[], root: string): Failure {
  const end = body.findIndex((line) => CODE_FRAME.test(line) || /^\s*at /.test(line));
  const head = end >= 0 ? body.slice(0, end) : [...body];
  const stack = parseStack(body.join('\n'), root);
  const expected = head.find((line) => line.startsWith('Expected: '))?.slice('Expected: '.length);
  const received = head.find((line) => line.startsWith('Received: '))?.slice('Received: '.length);
  let sides: { expected?: string; actual?: string } = { expected, actual: received };
  const diffAt = head.findIndex((line, k) => /^- Expected/.test(line) && /^\+ Received/.test(head[k + 1] ?? ''));
  if (diffAt >= 0) {
    sides = diffSides(paragraph(head.slice(diffAt + 2)), 'expected', 2);
  }
  return makeFailure({ id, name, file, line: lineIn(stack, file), message: matcherMessage(head), ...sides, stack, runner: 'jest' });
}

export interface TestCounts {
  failed: number;
  passed: number;
  skipped: number;
  todo: number;
  total: number;
}

/** Jest's `Tests:       2 failed, 1 skipped, 1 passed, 4 total`. */
export function parseJestSummary(text: string): TestCounts | undefined {
  const line = /^Tests:\s+(.*)$/m.exec(text)?.[1];
  if (!line) return undefined;
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { failed: count('failed'), passed: count('passed'), skipped: count('skipped'), todo: count('todo'), total: count('total') };
}
