import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Failure, type TestRun } from '../../../src/core/model';
import { reproducedFailures } from '../../../src/core/signals/reproduced';

const failure = (fields: Partial<Failure> & { id: string; name: string }): Failure => Failure.parse({ message: 'failed', ...fields });

const baseline: TestRun = {
  outcomes: [
    { id: 'test/a.test.js > sums > adds', status: 'failed' },
    { id: 'test/a.test.js > sums > subtracts', status: 'failed' },
    { id: 'test/b.test.js > formats', status: 'passed' },
    { id: 'test/c.test.js > parses', status: 'failed' },
  ],
  failures: [
    failure({ id: 'test/a.test.js > sums > adds', name: 'adds', file: 'test/a.test.js', stack: [{ file: 'src/sum.js', line: 2 }] }),
    failure({ id: 'test/a.test.js > sums > subtracts', name: 'subtracts', file: 'test/a.test.js', stack: [{ file: 'src/sum.js', line: 5 }] }),
    failure({ id: 'test/c.test.js > parses', name: 'parses', file: 'test/c.test.js', stack: [{ file: 'src/parse.js', line: 9 }] }),
  ],
  exitCode: 1,
  timedOut: false,
  ms: 10,
  output: '',
};

describe('reproducedFailures', () => {
  it('heals every baseline failure when the host asked about none', () => {
    assert.deepEqual(
      reproducedFailures(baseline).reproduced.map((f) => f.name),
      ['adds', 'subtracts', 'parses'],
    );
  });

  it('matches an asked failure to the same test only, never to others in its file', () => {
    const { reproduced, notReproduced } = reproducedFailures(baseline, [failure({ id: 'test/a.test.js > sums > adds', name: 'adds', file: 'test/a.test.js' })]);
    assert.deepEqual(
      reproduced.map((f) => f.name),
      ['adds'],
    );
    assert.deepEqual(notReproduced, []);
  });

  it('does not widen to a test of the same name in another suite of the same entry file', () => {
    // `mocha test/index.js`: every test reports the entry as its file, and two suites each have a `default`.
    const entry = {
      ...baseline,
      failures: [
        failure({ id: 'Helpers toc > default', name: 'default', file: 'test/index.js' }),
        failure({ id: 'Console generate > default', name: 'default', file: 'test/index.js' }),
      ],
    };
    const { reproduced } = reproducedFailures(entry, [failure({ id: 'Helpers toc > default', name: 'default', file: 'test/index.js' })]);
    assert.deepEqual(
      reproduced.map((f) => f.id),
      ['Helpers toc > default'],
    );
  });

  it("recognises the same test under another reporter's id by its file and name", () => {
    const terminal = failure({ id: 'test/a.test.js > adds', name: 'adds', file: 'test/a.test.js', source: 'terminal' });
    assert.deepEqual(
      reproducedFailures(baseline, [terminal]).reproduced.map((f) => f.id),
      ['test/a.test.js > sums > adds'],
    );
  });

  it('reports a test that passed in the sandbox as not reproduced instead of healing the whole suite', () => {
    const passing = failure({ id: 'test/b.test.js > formats', name: 'formats', file: 'test/b.test.js' });
    const result = reproducedFailures(baseline, [passing]);
    assert.deepEqual(result.reproduced, []);
    assert.deepEqual(result.notReproduced, [{ failure: passing, passed: true }]);
  });

  it('reports a test the run does not have as not reproduced, and not as passed', () => {
    const gone = failure({ id: 'test/d.test.js > renamed', name: 'renamed', file: 'test/d.test.js' });
    assert.deepEqual(reproducedFailures(baseline, [gone]).notReproduced, [{ failure: gone, passed: false }]);
  });

  it('does not let a bare name that several tests share widen the heal', () => {
    const twice: TestRun = { ...baseline, failures: [...baseline.failures, failure({ id: 'test/e.test.js > adds', name: 'adds', file: 'test/e.test.js' })] };
    const bare = failure({ id: 'adds', name: 'adds' });
    assert.deepEqual(reproducedFailures(twice, [bare]).reproduced, []);
    assert.deepEqual(
      reproducedFailures(baseline, [bare]).reproduced.map((f) => f.id),
      ['test/a.test.js > sums > adds'],
    );
  });

  it('reproduces a compiler diagnostic by the failing tests whose stack passes through its file', () => {
    const diagnostic = failure({ id: 'src/parse.js:9:2345', name: 'ts 2345', file: 'src/parse.js', line: 9, source: 'diagnostic', runner: 'tsc' });
    assert.deepEqual(
      reproducedFailures(baseline, [diagnostic]).reproduced.map((f) => f.name),
      ['parses'],
    );
    const elsewhere = failure({ id: 'src/other.js:1:2345', name: 'ts 2345', file: 'src/other.js', line: 1, source: 'diagnostic', runner: 'tsc' });
    assert.equal(reproducedFailures(baseline, [elsewhere]).notReproduced.length, 1);
  });
});
