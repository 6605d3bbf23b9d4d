import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Failure } from '../../../src/core/model';
import { stripAnsi } from '../../../src/core/signals/ansi';
import { parseVitest, parseVitestJson, parseVitestSummary, parseVitestText } from '../../../src/core/signals/vitest';
import { recorded, recordedRoot } from './runnerOutputs';

const root = recordedRoot('vitest');
const json = parseVitestJson(JSON.parse(recorded('vitest/report.json')), root);
/** Vitest colours its output even when piped; the recording keeps the codes. */
const human = parseVitestText(stripAnsi(recorded('vitest/human.txt')), root);

const failure = (failures: Failure[], id: string): Failure => {
  const found = failures.find((f) => f.id === id);
  assert.ok(found, `no failure ${id} among ${failures.map((f) => f.id).join(', ')}`);
  return found;
};

const TESTS = [
  { id: 'math.test.js > math > multiplies', status: 'passed' },
  { id: 'math.test.js > math > adds', status: 'failed' },
  { id: 'math.test.js > math > divides', status: 'skipped' },
  { id: 'math.test.js > adds at top level', status: 'failed' },
  { id: 'nested.test.js > outer > inner > works', status: 'passed' },
  { id: 'nested.test.js > outer > inner > throws', status: 'failed' },
  { id: 'nested.test.js > outer > inner > compares lines', status: 'failed' },
  // A failing beforeAll skips the suite's tests; only the human output names the hook's error.
  { id: 'nested.test.js > hooks > never runs', status: 'skipped' },
];
const sorted = <T extends { id: string }>(list: readonly T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));

describe('vitest --reporter=json', () => {
  it('reads every test with its file in the id and its status', () => {
    assert.deepEqual(json.outcomes, TESTS);
  });

  it('reads expected and actual from the chai message when the report has no values', () => {
    const adds = failure(json.failures, 'math.test.js > math > adds');
    assert.deepEqual([adds.expected, adds.actual], ['5', '-1']);
    const lines = failure(json.failures, 'nested.test.js > outer > inner > compares lines');
    assert.deepEqual([lines.expected, lines.actual], ['a\nc', 'a\nb']);
  });

  it('takes file and line from the first stack frame in the test file', () => {
    const adds = failure(json.failures, 'math.test.js > math > adds');
    assert.deepEqual([adds.file, adds.line, adds.runner], ['math.test.js', 9, 'vitest']);
    assert.deepEqual(adds.stack[0], { file: 'math.test.js', line: 9, column: 23 });
    assert.equal(adds.message, 'AssertionError: expected -1 to be 5 // Object.is equality');
  });

  it('reports a file vitest could not parse, with the line of the syntax error', () => {
    const broken = parseVitestJson(JSON.parse(recorded('load-error/vitest.json')), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    assert.deepEqual([broken.failures[0].file, broken.failures[0].line], ['broken.test.js', 2]);
    assert.match(broken.failures[0].message, /^Parse failure: Parse failed with 1 error:\nUnexpected token/);
  });
});

describe('vitest default reporter', () => {
  it('reads the test tree with the same ids as the JSON report, plus the failed hook suite', () => {
    assert.deepEqual(sorted(human.outcomes), sorted([...TESTS, { id: 'nested.test.js > hooks', status: 'failed' }]));
  });

  it('reads each FAIL block as the JSON report words it', () => {
    const gist = (f: Failure) => [f.id, f.name, f.file, f.line, f.message];
    const tests = human.failures.filter((f) => f.id !== 'nested.test.js > hooks');
    assert.deepEqual(sorted(tests).map(gist), sorted(json.failures).map(gist));
  });

  it('reads expected and actual from the - Expected + Received diff', () => {
    const adds = failure(human.failures, 'math.test.js > math > adds');
    assert.deepEqual([adds.expected, adds.actual], ['5', '-1']);
    const top = failure(human.failures, 'math.test.js > adds at top level');
    assert.deepEqual([top.expected, top.actual], ['{\n  "sum": 2,\n}', '{\n  "sum": 0,\n}']);
  });

  it('reads the ❯ file:line:col frame as the stack', () => {
    const thrown = failure(human.failures, 'nested.test.js > outer > inner > throws');
    assert.deepEqual(thrown.stack, [{ file: 'nested.test.js', line: 9, column: 13 }]);
    assert.equal(thrown.message, 'TypeError: boom');
  });

  it('reports the error of a failing hook on its suite', () => {
    const hooks = failure(human.failures, 'nested.test.js > hooks');
    assert.deepEqual([hooks.message, hooks.line], ['hook broke', 19]);
  });

  it('reports a file vitest could not parse', () => {
    const broken = parseVitest(stripAnsi(recorded('load-error/vitest.txt')), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    assert.deepEqual([broken.failures[0].file, broken.failures[0].line], ['broken.test.js', 2]);
    assert.match(broken.failures[0].message, /^RolldownError: Parse failure/);
  });

  it('reads the counts from the Tests summary line', () => {
    assert.deepEqual(parseVitestSummary(stripAnsi(recorded('vitest/human.txt'))), { failed: 4, passed: 2, skipped: 2, todo: 0, total: 8 });
  });
});
