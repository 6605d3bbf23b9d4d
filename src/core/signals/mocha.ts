/**
 * Mocha: the spec reporter (what a developer sees) and the `json` reporter (what Self-Heal asks
 * for with `--reporter json --reporter-option output=<file>`; the option came with
 * mochajs/mocha#4131, and test/core/signals/mocha.test.ts runs it against mocha 11).
 *
 * Ids are `suite path > title` with the suite path joined by spaces, as mocha's own `fullTitle()`
 * does: the JSON reporter gives only `fullTitle` and `title`, so the suites cannot be told apart
 * there, and the spec reporter must produce the same ids. The file is left out of ids because the
 * spec reporter names it only in failing tests' stacks (see testId).
 */
import type { Failure, TestOutcome } from '../model';
import {
  describeValue,
  diffSides,
  emptyResult,
  errorIn,
  findJson,
  indentOf,
  isRecord,
  lineIn,
  makeFailure,
  paragraph,
  stringOf,
  summarizeMessage,
  testFileIn,
  testId,
  uniqueOutcomes,
  type ParseResult,
} from './failure';
import { parseLocation, parseStack, toWorkspacePath } from './stack';

function mochaId(parent: string, title: string): string {
  return testId(undefined, parent ? [parent, title] : [title]);
}

/** The id of a test mocha reports as `{ fullTitle, title }` (its json reporter, and ours). */
export function mochaJsonId(fullTitle: string, title: string): string {
  return mochaId(fullTitle.endsWith(title) ? fullTitle.slice(0, fullTitle.length - title.length).trim() : '', title);
}

/** Either mocha format: JSON when the text holds a mocha report, otherwise spec. */
export function parseMocha(text: string, root: string): ParseResult {
  const json = findJson(text);
  return isRecord(json) && Array.isArray(json.tests) ? parseMochaJson(json, root) : parseMochaSpec(text, root);
}

const SUMMARY = /^\s+\d+ (?:passing|pending|failing)\b/;
const PASSED = /^[✔✓√] (.*?)(?: \(\d+ms\))?$/;
const FAILED = /^(\d+)\) (.*)$/;
const PENDING = /^- (.*)$/;
const DIFF_HEADER = /^\s*\+ expected - actual\s*$/;

export function parseMochaSpec(text: string, root: string): ParseResult {
  const lines = text.split('\n');
  const summaryAt = lines.findIndex((line) => SUMMARY.test(line));
  if (summaryAt < 0) return loadFailure(text, root);
  const outcomes: TestOutcome[] = [];
  const numbered = new Map<string, string>();
  const suites: { indent: number; title: string }[] = [];
  for (const line of lines.slice(0, summaryAt)) {
    const trimmed = line.trim();
    // The spec reporter indents every suite and test, top-level ones by two spaces; a line at
    // column 0 is the tests' own console output (or a warning) on a shared terminal, never a suite.
    if (trimmed === '' || !/^\s/.test(line)) continue;
    const indent = indentOf(line);
    while (suites.length && suites[suites.length - 1].indent >= indent) suites.pop();
    const parent = suites.map((suite) => suite.title).join(' ');
    const passed = PASSED.exec(trimmed);
    const failed = FAILED.exec(trimmed);
    const pending = PENDING.exec(trimmed);
    if (passed) outcomes.push({ id: mochaId(parent, passed[1]), status: 'passed' });
    else if (pending) outcomes.push({ id: mochaId(parent, pending[1]), status: 'skipped' });
    else if (failed) {
      numbered.set(failed[1], mochaId(parent, failed[2]));
      outcomes.push({ id: mochaId(parent, failed[2]), status: 'failed' });
    } else suites.push({ indent, title: trimmed });
  }
  const failures = failureBlocks(lines.slice(summaryAt)).map((block) => {
    const id = numbered.get(block.number) ?? mochaId(block.titles.slice(0, -1).join(' '), block.titles.at(-1) ?? '');
    if (!numbered.has(block.number)) outcomes.push({ id, status: 'failed' });
    return specFailure(id, block.titles.at(-1) ?? id, block.body, root);
  });
  return { outcomes: uniqueOutcomes(outcomes), failures };
}

/**
 * Mocha stops before running anything when a file does not load, printing
 * `Exception during run: /abs/file.test.js:2` (or the error itself), then the error and its stack.
 */
function loadFailure(text: string, root: string): ParseResult {
  const start = /^\s*Exception during run: (.*)$/m.exec(text);
  if (!start) return emptyResult();
  const rest = text.slice(start.index).split('\n');
  const location = parseLocation(start[1], root);
  const stack = [...(location ? [location] : []), ...parseStack(rest.join('\n'), root)];
  const file = location?.file ?? testFileIn(stack);
  const id = file ?? 'Exception during run';
  const failure = makeFailure({
    id,
    name: id,
    file,
    line: location?.line ?? lineIn(stack, file),
    message: errorIn(rest.slice(1)) ?? summarizeMessage(start[1]),
    stack,
    runner: 'mocha',
  });
  return { outcomes: [{ id, status: 'failed' }], failures: [failure] };
}

/** `  2) math\n       adds:` then the error: the title path ends at the line ending in a colon. */
function failureBlocks(lines: readonly string[]): { number: string; titles: string[]; body: string[] }[] {
  const blocks: { number: string; titles: string[]; body: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = /^ {2}(\d+)\) (.*)$/.exec(lines[i]);
    if (!start) continue;
    const titles = [start[2].trim()];
    while (!titles[titles.length - 1].endsWith(':') && i + 1 < lines.length && lines[i + 1].trim() !== '') {
      titles.push(lines[++i].trim());
    }
    titles[titles.length - 1] = titles[titles.length - 1].replace(/:$/, '');
    const body: string[] = [];
    while (i + 1 < lines.length && !/^ {2}\d+\) /.test(lines[i + 1])) body.push(lines[++i]);
    blocks.push({ number: start[1], titles, body });
  }
  return blocks;
}

function specFailure(id: string, name: string, body: readonly string[], root: string): Failure {
  const headerAt = body.findIndex((line) => DIFF_HEADER.test(line));
  const message = summarizeMessage((headerAt >= 0 ? body.slice(0, headerAt) : body).join('\n'));
  const stack = parseStack(body.join('\n'), root);
  const file = testFileIn(stack);
  let sides: { expected?: string; actual?: string } = {};
  if (headerAt >= 0) {
    const width = indentOf(body[headerAt]);
    sides = diffSides(
      paragraph(body.slice(headerAt + 1)).map((line) => line.slice(width)),
      'actual',
      1,
    );
  }
  return makeFailure({ id, name, file, line: lineIn(stack, file), message, ...sides, stack, runner: 'mocha' });
}

/** Mocha's json reporter: `{ stats, tests, pending, failures, passes }`, each test `{ title, fullTitle, file, err }`. */
export function parseMochaJson(report: unknown, root: string): ParseResult {
  if (!isRecord(report) || !Array.isArray(report.tests)) return emptyResult();
  const key = (test: Record<string, unknown>): string => `${stringOf(test.file) ?? ''}\0${stringOf(test.fullTitle) ?? ''}`;
  const records = (list: unknown): Record<string, unknown>[] => (Array.isArray(list) ? list.filter(isRecord) : []);
  const failed = new Set(records(report.failures).map(key));
  const pending = new Set(records(report.pending).map(key));
  // Hook failures are reported in `failures` only; they are failures all the same.
  const tests = [...records(report.tests), ...records(report.failures)];
  const result = emptyResult();
  const outcomes: TestOutcome[] = [];
  const seen = new Set<string>();
  for (const test of tests) {
    const title = stringOf(test.title);
    const fullTitle = stringOf(test.fullTitle);
    if (title === undefined || fullTitle === undefined || seen.has(key(test))) continue;
    seen.add(key(test));
    const id = mochaJsonId(fullTitle, title);
    const status = failed.has(key(test)) ? 'failed' : pending.has(key(test)) ? 'skipped' : 'passed';
    const reportedFile = stringOf(test.file) === undefined ? undefined : toWorkspacePath(String(test.file), root);
    const ms = typeof test.duration === 'number' && test.duration >= 0 ? test.duration : undefined;
    outcomes.push({ id, status, ...(reportedFile !== undefined && { file: reportedFile }), ...(ms !== undefined && { ms }) });
    if (status !== 'failed') continue;
    const err = isRecord(test.err) ? test.err : {};
    const stackText = stringOf(err.stack) ?? '';
    const stack = parseStack(stackText, root);
    const file = reportedFile ?? testFileIn(stack);
    result.failures.push(
      makeFailure({
        id,
        name: title,
        file,
        line: lineIn(stack, file),
        message: jsonMessage(err, stackText),
        expected: 'expected' in err ? describeValue(err.expected) : undefined,
        actual: 'actual' in err ? describeValue(err.actual) : undefined,
        stack,
        runner: 'mocha',
      }),
    );
  }
  result.outcomes = uniqueOutcomes(outcomes);
  return result;
}

/**
 * The error as the spec reporter prints it, `Name: message`. The stack starts with exactly that;
 * `err.name` alone is not enough, because mocha copies only own properties and most errors
 * inherit their name.
 */
function jsonMessage(err: Record<string, unknown>, stack: string): string {
  const head = stack.split(/\n\s+at /)[0];
  if (head.trim() !== '') return summarizeMessage(head);
  const name = stringOf(err.name);
  const text = stringOf(err.message) ?? '';
  return summarizeMessage(name && !text.startsWith(name) ? `${name}: ${text}` : text);
}
