import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SelfHealError } from '../../src/core/model';
import { failureOf, type FailedTestMessage } from '../../src/extension/testMessageFailure';

const failed: FailedTestMessage = {
  file: 'test/math.test.js',
  label: 'add sums two numbers',
  suites: ['math'],
  message: 'Expected values to be strictly equal:\n\n-1 !== 5\n',
  expected: '5',
  actual: '-1',
  line: 7,
  stack: [{ file: 'src/math.js', line: 4, column: 12 }],
};

describe('a failed test message from the Testing view', () => {
  it('becomes a failure with the runner parsers’ id (file > suite > name) and the test’s own title as its name', () => {
    const failure = failureOf(failed);
    assert.equal(failure.id, 'test/math.test.js > math > add sums two numbers');
    assert.equal(failure.name, 'add sums two numbers');
    assert.equal(failure.line, 7);
    assert.equal(failure.expected, '5');
    assert.equal(failure.actual, '-1');
    assert.deepEqual(failure.stack, [{ file: 'src/math.js', line: 4, column: 12 }]);
    assert.equal(failure.source, 'test-run');
  });

  it('names no file, so the core heals this failure and not every failure in its file', () => {
    assert.equal(failureOf(failed).file, undefined);
  });

  it('keeps a test outside the workspace folder by its titles alone', () => {
    assert.equal(failureOf({ ...failed, file: undefined, suites: [] }).id, 'add sums two numbers');
  });

  it('says the test failed when the message is empty', () => {
    assert.equal(failureOf({ ...failed, message: '  ' }).message, 'add sums two numbers failed');
  });

  it('refuses, in words, a message that names no test', () => {
    assert.throws(
      () => failureOf({ ...failed, label: ' ' }),
      (error: unknown) => error instanceof SelfHealError && error.code === 'BAD_INPUT' && /Heal Failing Tests/.test(error.message),
    );
  });
});
