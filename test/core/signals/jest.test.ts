import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Failure } from '../../../src/core/model';
import { parseJest, parseJestJson, parseJestSummary, parseJestText } from '../../../src/core/signals/jest';
import { recorded, recordedRoot } from './runnerOutputs';

const root = recordedRoot('jest');
const json = parseJestJson(JSON.parse(recorded('jest/report.json')), root);

const failure = (failures: Failure[], id: string): Failure => {
  const found = failures.find((f) => f.id === id);
  assert.ok(found, `no failure ${id} among ${failures.map((f) => f.id).join(', ')}`);
  return found;
};

const FAILED_IDS = [
  'math.test.js > math > adds',
  'math.test.js > adds at top level',
  'nested.test.js > outer > inner > throws',
  'nested.test.js > outer > inner > compares lines',
  'nested.test.js > hooks > never runs',
];

/** What a failure says, minus the stack, which differs between the formats. */
const gist = (f: Failure) => [f.id, f.name, f.file, f.line, f.message];

describe('jest --json', () => {
  it('reads every test with its file in the id and its status', () => {
    assert.deepEqual(
      [...json.outcomes].sort((a, b) => a.id.localeCompare(b.id)),
      [
        { id: 'math.test.js > adds at top level', status: 'failed' },
        { id: 'math.test.js > math > adds', status: 'failed' },
        { id: 'math.test.js > math > divides', status: 'skipped' },
        { id: 'math.test.js > math > multiplies', status: 'passed' },
        { id: 'nested.test.js > hooks > never runs', status: 'failed' },
        { id: 'nested.test.js > outer > inner > compares lines', status: 'failed' },
        { id: 'nested.test.js > outer > inner > throws', status: 'failed' },
        { id: 'nested.test.js > outer > inner > works', status: 'passed' },
      ],
    );
  });

  it('reads expected and actual from the matcher result of a jest failure', () => {
    const adds = failure(json.failures, 'math.test.js > math > adds');
    assert.deepEqual([adds.expected, adds.actual], ['5', '-1']);
    const top = failure(json.failures, 'math.test.js > adds at top level');
    assert.deepEqual([top.expected, top.actual], ['{\n  "sum": 2\n}', '{\n  "sum": 0\n}']);
    const lines = failure(json.failures, 'nested.test.js > outer > inner > compares lines');
    assert.deepEqual([lines.expected, lines.actual], ['a\nc', 'a\nb']);
  });

  it('takes the line of the failing assertion from the stack', () => {
    const adds = failure(json.failures, 'math.test.js > math > adds');
    assert.equal(adds.file, 'math.test.js');
    assert.equal(adds.line, 8);
    assert.deepEqual(adds.stack[0], { file: 'math.test.js', line: 8, column: 23, fn: 'Object.toBe' });
    assert.equal(adds.message, 'expect(received).toBe(expected) // Object.is equality');
    assert.equal(adds.runner, 'jest');
  });

  it('reports a file jest could not parse as one failure with the syntax error', () => {
    const broken = parseJestJson(JSON.parse(recorded('load-error/jest.json')), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    assert.deepEqual(gist(broken.failures[0]), [
      'broken.test.js',
      'broken.test.js',
      'broken.test.js',
      2,
      'SyntaxError: /work/main/test/fixtures/runners/load-error/broken.test.js: Unexpected token (2:10)',
    ]);
  });
});

describe('jest human output', () => {
  it('reads the failing tests of a default run, which lists no passing tests', () => {
    const human = parseJestText(recorded('jest/human.txt'), root);
    assert.deepEqual(
      human.outcomes,
      FAILED_IDS.map((id) => ({ id, status: 'failed' })),
    );
  });

  it('words every failure as the JSON report does', () => {
    const human = parseJestText(recorded('jest/human.txt'), root);
    const byId = (list: Failure[]) => [...list].sort((a, b) => a.id.localeCompare(b.id)).map(gist);
    assert.deepEqual(byId(human.failures), byId(json.failures));
  });

  it('reads Expected/Received lines and the - Expected + Received diff', () => {
    const human = parseJestText(recorded('jest/human.txt'), root);
    const adds = failure(human.failures, 'math.test.js > math > adds');
    assert.deepEqual([adds.expected, adds.actual], ['5', '-1']);
    const lines = failure(human.failures, 'nested.test.js > outer > inner > compares lines');
    assert.deepEqual([lines.expected, lines.actual], ['a\nc', 'a\nb']);
    const top = failure(human.failures, 'math.test.js > adds at top level');
    assert.deepEqual([top.expected, top.actual], ['Object {\n  "sum": 2,\n}', 'Object {\n  "sum": 0,\n}']);
  });

  it('reads passing and skipped tests from the verbose tree', () => {
    const verbose = parseJestText(recorded('jest/human-verbose.txt'), root);
    assert.deepEqual(
      [...verbose.outcomes].sort((a, b) => a.id.localeCompare(b.id)),
      [...json.outcomes].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('reports "Test suite failed to run" as a failure of the file', () => {
    const broken = parseJestText(recorded('load-error/jest.txt'), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    assert.equal(broken.failures[0].line, 2);
  });

  it('reads the counts from the Tests: summary line', () => {
    assert.deepEqual(parseJestSummary(recorded('jest/human.txt')), { failed: 5, passed: 2, skipped: 1, todo: 0, total: 8 });
    assert.equal(parseJestSummary('no summary here'), undefined);
  });

  it('prefers the JSON report when jest --json printed it next to the human output', () => {
    const both = `${recorded('jest/human.txt')}\n${recorded('jest/report.json')}`;
    assert.deepEqual(parseJest(both, root), json);
  });
});
