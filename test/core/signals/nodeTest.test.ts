import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import type { Failure } from '../../../src/core/model';
import { parseNodeSpec } from '../../../src/core/signals/nodeSpec';
import { parseNodeTap, parseNodeTest } from '../../../src/core/signals/nodeTest';
import { copyProject, recorded, recordedRoot, run } from './runnerOutputs';

const root = recordedRoot('node');
const tap = parseNodeTap(recorded('node/tap.txt'), root);
const spec = parseNodeSpec(recorded('node/spec.txt'), root);

const failure = (failures: Failure[], id: string): Failure => {
  const found = failures.find((f) => f.id === id);
  assert.ok(found, `no failure ${id} among ${failures.map((f) => f.id).join(', ')}`);
  return found;
};

/** Every test of the two fixture files, as node reports them. */
const OUTCOMES = [
  { id: 'math > multiplies', status: 'passed' },
  { id: 'math > adds', status: 'failed' },
  { id: 'math > divides', status: 'skipped' },
  { id: 'adds at top level', status: 'failed' },
  { id: 'outer > inner # hash > works', status: 'passed' },
  { id: 'outer > inner # hash > throws \\ slash', status: 'failed' },
  { id: 'outer > later', status: 'skipped' },
  { id: 'parent > child', status: 'failed' },
  { id: 'hooks > never runs', status: 'failed' },
  { id: 'hooks', status: 'failed' },
];

describe('node:test TAP', () => {
  it('reads every test of a node:test TAP run with its status, suites in the id', () => {
    assert.deepEqual(tap.outcomes, OUTCOMES);
  });

  it('reads expected and actual from a node:test TAP failure', () => {
    const adds = failure(tap.failures, 'math > adds');
    assert.equal(adds.name, 'adds');
    assert.equal(adds.file, 'math.test.js');
    assert.equal(adds.line, 10, 'the failing assertion, not the test declaration (9)');
    assert.equal(adds.message, 'AssertionError: Expected values to be strictly equal:\n-1 !== 5');
    assert.equal(adds.expected, '5');
    assert.equal(adds.actual, '-1');
    assert.equal(adds.runner, 'node');
    assert.equal(adds.source, 'test-run');
  });

  it('renders object values from the TAP YAML as JSON', () => {
    const top = failure(tap.failures, 'adds at top level');
    assert.equal(top.expected, '{\n  "sum": 2\n}');
    assert.equal(top.actual, '{\n  "sum": 0\n}');
    assert.equal(top.line, 16);
  });

  it('reads multi-line string values from a TAP block scalar', () => {
    const child = failure(tap.failures, 'parent > child');
    assert.equal(child.expected, 'a\nc');
    assert.equal(child.actual, 'a\nb');
    assert.equal(child.file, 'nested.test.js');
  });

  it('takes the stack from the TAP stack block, workspace-relative, node internals kept', () => {
    const adds = failure(tap.failures, 'math > adds');
    assert.deepEqual(adds.stack[0], { file: 'math.test.js', line: 10, column: 12, fn: 'TestContext.<anonymous>' });
    assert.deepEqual(adds.stack[1], { file: 'node:async_hooks', line: 206, column: 9, fn: 'Test.runInAsyncScope' });
  });

  it('unescapes the # and \\ node escapes in TAP test names', () => {
    const thrown = failure(tap.failures, 'outer > inner # hash > throws \\ slash');
    assert.equal(thrown.name, 'throws \\ slash');
    assert.equal(thrown.message, 'TypeError: boom');
    assert.equal(thrown.line, 10);
  });

  it('blames a failing hook on its suite, not on the tests it cancelled', () => {
    assert.deepEqual(
      tap.failures.map((f) => f.id),
      ['math > adds', 'adds at top level', 'outer > inner # hash > throws \\ slash', 'parent > child', 'hooks'],
    );
    const hooks = failure(tap.failures, 'hooks');
    assert.equal(hooks.message, 'hook broke');
    assert.equal(hooks.line, 24);
  });

  it('reports a test file that does not load, with the syntax error and its line', () => {
    const broken = parseNodeTap(recorded('load-error/node-tap.txt'), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    const [only] = broken.failures;
    assert.equal(only.id, 'broken.test.js');
    assert.equal(only.file, 'broken.test.js');
    assert.equal(only.line, 2);
    assert.equal(only.message, "SyntaxError: Unexpected token ';'");
  });

  it('looks through the per-file wrapper subtests older Node versions emit', () => {
    // Hand-written: before nodejs/node#46440 (Node 18), `node --test` wrapped each file's tests
    // in a subtest named by the file's path. Node 20 no longer prints this shape.
    const wrapped = [
      'TAP version 13',
      '# Subtest: /repo/test/a.test.js',
      '    # Subtest: math',
      '        # Subtest: adds',
      '        not ok 1 - adds',
      '          ---',
      "          location: '/repo/test/a.test.js:3:3'",
      "          error: 'nope'",
      '          ...',
      '        1..1',
      '    not ok 1 - math',
      '      ---',
      "      failureType: 'subtestsFailed'",
      '      ...',
      '    1..1',
      'not ok 1 - /repo/test/a.test.js',
      '1..1',
    ].join('\n');
    const parsed = parseNodeTap(wrapped, '/repo');
    assert.deepEqual(parsed.outcomes, [{ id: 'test/a.test.js > math > adds', status: 'failed' }]);
    assert.equal(parsed.failures[0].file, 'test/a.test.js');
    assert.equal(parsed.failures[0].line, 3);
  });
});

describe('node:test spec reporter', () => {
  it('reads the same tests from the spec reporter as from TAP', () => {
    assert.deepEqual(spec.outcomes, OUTCOMES);
  });

  it('reads the same failures from the spec reporter as from TAP', () => {
    const summary = (f: Failure) => [f.id, f.name, f.file, f.line, f.message, f.stack[0]];
    assert.deepEqual(spec.failures.map(summary), tap.failures.map(summary));
  });

  it('reads expected and actual from the properties printed under the stack', () => {
    const adds = failure(spec.failures, 'math > adds');
    assert.equal(adds.expected, '5');
    assert.equal(adds.actual, '-1');
    const child = failure(spec.failures, 'parent > child');
    assert.equal(child.expected, 'a\nc');
    assert.equal(child.actual, 'a\nb');
    assert.equal(failure(spec.failures, 'adds at top level').actual, '{ sum: 0 }');
  });

  it('is chosen over TAP when the output has no TAP header', () => {
    assert.deepEqual(parseNodeTest(recorded('node/spec.txt'), root), spec);
    assert.deepEqual(parseNodeTest(recorded('node/tap.txt'), root), tap);
  });
});

describe('node:test, live', () => {
  const dir = copyProject('node');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses what node --test prints when piped, as Self-Heal runs it', () => {
    const live = parseNodeTest(run(dir, ['--test']), dir);
    assert.deepEqual(live.outcomes, OUTCOMES);
    const adds = failure(live.failures, 'math > adds');
    assert.deepEqual([adds.file, adds.line, adds.expected, adds.actual], ['math.test.js', 10, '5', '-1']);
  });

  it('parses what the spec reporter prints for the same project', () => {
    const live = parseNodeTest(run(dir, ['--test', '--test-reporter=spec']), dir);
    assert.deepEqual(live.outcomes, OUTCOMES);
    assert.equal(failure(live.failures, 'hooks').line, 24);
  });
});
