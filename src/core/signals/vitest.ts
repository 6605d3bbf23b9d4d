/**
 * Vitest: the `--reporter=json` report (jest's shape, read by jest.ts) and the default reporter.
 * Vitest names the file of every test, so ids carry it: `math.test.js > math > adds`, the same
 * path vitest prints in its own `FAIL  math.test.js > math > adds` headers.
 */
import type { Failure, TestOutcome } from '../model';
import {
  CODE_FRAME,
  diffSides,
  emptyResult,
  findJson,
  isRecord,
  lineIn,
  makeFailure,
  paragraph,
  summarizeMessage,
  testId,
  uniqueOutcomes,
  type ParseResult,
} from './failure';
import { fileFailure, parseJestJson, type TestCounts } from './jest';
import { parseStack, toWorkspacePath } from './stack';

/** Either vitest format: the JSON report when the text holds one, otherwise the default output. */
export function parseVitest(text: string, root: string): ParseResult {
  const json = findJson(text);
  return isRecord(json) && Array.isArray(json.testResults) ? parseVitestJson(json, root) : parseVitestText(text, root);
}

export function parseVitestJson(report: unknown, root: string): ParseResult {
  return parseJestJson(report, root, 'vitest');
}

const FILE_LINE = /^[❯✓×↓]\s+(.+?) \(\d+ tests?\b[^)]*\)(?: [\d.]+m?s)?$/;
const SUITE_LINE = /^❯\s+(.+?) \(\d+\)$/;
const TEST_LINE = /^([✓×↓])\s+(.+?)(?: [\d.]+m?s)?$/;
const FAIL_HEADER = /^\s*FAIL\s+(.+?)\s*$/;
/** `⎯⎯⎯⎯[1/5]⎯` ends a failure; `⎯⎯ Failed Tests 4 ⎯⎯` starts a section. */
const RULE = /^⎯{3,}/;

export function parseVitestText(text: string, root: string): ParseResult {
  const lines = text.split('\n');
  const summaryAt = lines.findIndex((line) => /^\s*Test Files\s/.test(line));
  if (summaryAt < 0 && !lines.some((line) => FAIL_HEADER.test(line))) return emptyResult();
  const outcomes: TestOutcome[] = [];
  const failures: Failure[] = [];
  let file: string | undefined;
  const suites: { indent: number; title: string }[] = [];
  let section = '';
  for (let i = 0; i < lines.length && i !== summaryAt; i++) {
    const trimmed = lines[i].trim();
    const indent = lines[i].length - lines[i].trimStart().length;
    if (RULE.test(trimmed)) {
      section = /Failed Suites/.test(trimmed) ? 'suites' : /Failed Tests/.test(trimmed) ? 'tests' : section;
      continue;
    }
    const fail = FAIL_HEADER.exec(lines[i]);
    if (fail) {
      const body: string[] = [];
      while (i + 1 < lines.length && i + 1 !== summaryAt && !RULE.test(lines[i + 1].trim()) && !FAIL_HEADER.test(lines[i + 1])) body.push(lines[++i]);
      const [path, ...names] = fail[1].replace(/\s+\[.*\]$/, '').split(' > ');
      const failedFile = toWorkspacePath(path, root);
      const id = testId(failedFile, names);
      outcomes.push({ id, status: 'failed' });
      failures.push(
        section === 'suites' && names.length === 0
          ? fileFailure(id, failedFile, body.join('\n'), root, 'vitest')
          : blockFailure(id, names.at(-1) ?? failedFile, failedFile, body, root),
      );
      continue;
    }
    if (section !== '' || trimmed === '') continue;
    const fileLine = FILE_LINE.exec(trimmed);
    if (fileLine) {
      file = toWorkspacePath(fileLine[1], root);
      suites.length = 0;
      suites.push({ indent, title: '' });
      continue;
    }
    while (suites.length > 1 && suites[suites.length - 1].indent >= indent) suites.pop();
    const suite = SUITE_LINE.exec(trimmed);
    const test = TEST_LINE.exec(trimmed);
    if (suite) suites.push({ indent, title: suite[1] });
    else if (test && file) {
      const status = test[1] === '✓' ? 'passed' : test[1] === '×' ? 'failed' : 'skipped';
      outcomes.push({ id: testId(file, [...suites.slice(1).map((s) => s.title), test[2]]), status });
    }
  }
  return { outcomes: uniqueOutcomes(outcomes), failures };
}

/** One `FAIL` block: the error line(s), a `- Expected / + Received` diff, `❯ file:line:col` frames. */
function blockFailure(id: string, name: string, file: string, body: readonly string[], root: string): Failure {
  const stack = parseStack(body.join('\n'), root);
  const diffAt = body.findIndex((line, k) => line.trim() === '- Expected' && body[k + 1]?.trim() === '+ Received');
  const sides = diffAt >= 0 ? diffSides(paragraph(body.slice(diffAt + 2)), 'expected', 2) : {};
  const messageEnd = body.findIndex((line, k) => k === diffAt || CODE_FRAME.test(line) || /^\s*File: /.test(line));
  const message = summarizeMessage((messageEnd >= 0 ? body.slice(0, messageEnd) : body).join('\n'));
  return makeFailure({ id, name, file, line: lineIn(stack, file), message, ...sides, stack, runner: 'vitest' });
}

/** Vitest's `      Tests  4 failed | 2 passed | 2 skipped (8)`. */
export function parseVitestSummary(text: string): TestCounts | undefined {
  const line = /^\s*Tests\s{2,}(.*)$/m.exec(text)?.[1];
  if (!line) return undefined;
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  const total = Number(/\((\d+)\)\s*$/.exec(line)?.[1] ?? 0);
  return { failed: count('failed'), passed: count('passed'), skipped: count('skipped'), todo: count('todo'), total };
}
