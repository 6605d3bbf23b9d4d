import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValue, diffSides, findJson, summarizeMessage, testFileIn, testId, uniqueOutcomes } from '../../../src/core/signals/failure';
import { parseStack } from '../../../src/core/signals/stack';

describe('testId', () => {
  it('joins file, suites and name with " > ", leaving out an unknown file', () => {
    assert.equal(testId('a.test.js', ['math', 'adds']), 'a.test.js > math > adds');
    assert.equal(testId(undefined, ['math', 'adds']), 'math > adds');
  });
});

describe('summarizeMessage', () => {
  it('keeps the error lines before the stack, trimmed, without blank lines', () => {
    assert.equal(
      summarizeMessage('AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n-1 !== 5\n\n    at x (/a.js:1:1)'),
      'AssertionError: Expected values to be strictly equal:\n-1 !== 5',
    );
  });

  it('drops a bare "Error: " and stops at a code frame', () => {
    assert.equal(summarizeMessage('Error: hook broke\n\n  > 17 |   throw new Error()'), 'hook broke');
  });

  it('keeps at most eight lines', () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(summarizeMessage(long).split('\n').length, 8);
  });
});

describe('diffSides', () => {
  it('splits a jest-style diff where - is expected', () => {
    assert.deepEqual(diffSides(['  a', '- c', '+ b'], 'expected', 2), { expected: 'a\nc', actual: 'a\nb' });
  });

  it('splits a mocha-style diff where - is actual', () => {
    assert.deepEqual(diffSides(['--1', '+5'], 'actual', 1), { expected: '5', actual: '-1' });
  });
});

describe('describeValue', () => {
  it('shows strings verbatim and other values as JSON or text', () => {
    assert.deepEqual(
      [describeValue('x'), describeValue(5), describeValue(undefined), describeValue({ a: [1] })],
      ['x', '5', 'undefined', '{\n  "a": [\n    1\n  ]\n}'],
    );
  });
});

describe('findJson', () => {
  it('finds a report printed after other output, and nothing in plain text', () => {
    assert.deepEqual(findJson('log line\n{"tests": []}\n'), { tests: [] });
    assert.equal(findJson('{ not json'), undefined);
    assert.equal(findJson('plain'), undefined);
  });
});

describe('uniqueOutcomes', () => {
  it('keeps one outcome per id, a failure winning', () => {
    assert.deepEqual(
      uniqueOutcomes([
        { id: 'a', status: 'passed' },
        { id: 'b', status: 'passed' },
        { id: 'a', status: 'failed' },
      ]),
      [
        { id: 'a', status: 'failed' },
        { id: 'b', status: 'passed' },
      ],
    );
  });
});

describe('testFileIn', () => {
  it('takes the outermost frame in the workspace, where the runner called the test', () => {
    const stack = parseStack(
      [
        'at add (src/math.js:2:9)',
        'at Context.<anonymous> (test/math.test.js:9:12)',
        'at callFn (node_modules/mocha/lib/runnable.js:366:21)',
        'at process.processImmediate (node:internal/timers:483:21)',
      ].join('\n'),
      '/app',
    );
    assert.equal(testFileIn(stack), 'test/math.test.js');
    assert.equal(testFileIn([]), undefined);
  });
});
