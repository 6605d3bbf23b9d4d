import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { detectInfraProblem, packageOf } from '../../../src/core/analysis/environment';
import { Failure } from '../../../src/core/model';

const failure = (message: string, file = 'test/a.test.js'): Failure => Failure.parse({ id: `${file} > t`, name: 't', file, message });

/** What node:test 20 prints for a test file that requires a package nobody installed (recorded). */
const NODE_TAP_OUTPUT = `TAP version 13
# node:internal/modules/cjs/loader:1210
#   throw err;
#   ^
# Error: Cannot find module 'left-pad'
# Require stack:
# - /work/sbx/src/format.js
# - /work/sbx/test/b.test.js
#     at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)
# Node.js v20.20.2
# Subtest: /work/sbx/test/b.test.js
not ok 1 - /work/sbx/test/b.test.js
  ---
  error: 'test failed'
  ...
# Subtest: /work/sbx/test/c.test.js
not ok 2 - uses token
  ---
  error: 'Missing required environment variable API_TOKEN'
  ...`;

describe('detectInfraProblem', () => {
  it('finds a missing package beside a node:test failure that only says "test failed", with its importer', () => {
    const problem = detectInfraProblem([failure('test failed', 'test/b.test.js')], NODE_TAP_OUTPUT, '/work/sbx');
    assert.deepEqual(problem && { ...problem, evidence: undefined }, {
      kind: 'missing-dependency',
      pkg: 'left-pad',
      importer: 'src/format.js',
      evidence: undefined,
    });
    assert.match(problem?.evidence ?? '', /the package left-pad cannot be found: Error: Cannot find module 'left-pad'/);
  });

  it("does not blame another group's failure on the missing package printed in the same run", () => {
    const problem = detectInfraProblem([failure('Missing required environment variable API_TOKEN', 'test/c.test.js')], NODE_TAP_OUTPUT, '/work/sbx');
    assert.equal(problem?.kind, 'missing-env');
  });

  it('reads the ES module, jest and vite forms of a missing package', () => {
    assert.deepEqual(detectInfraProblem([failure("Cannot find package 'zod' imported from /w/src/schema.mjs")], '', '/w'), {
      kind: 'missing-dependency',
      pkg: 'zod',
      importer: 'src/schema.mjs',
      evidence: "the package zod cannot be found: Cannot find package 'zod' imported from /w/src/schema.mjs",
    });
    const jest = detectInfraProblem([failure("Cannot find module '@acme/money/format' from 'test/price.test.js'")]);
    assert.equal(jest?.kind === 'missing-dependency' && `${jest.pkg} ${jest.importer}`, '@acme/money test/price.test.js');
    const vite = detectInfraProblem([failure('Failed to resolve import "dayjs" from "src/date.ts". Does the file exist?')]);
    assert.equal(vite?.kind === 'missing-dependency' && vite.pkg, 'dayjs');
  });

  it('leaves missing local files and built-in modules to the code engines', () => {
    assert.equal(detectInfraProblem([failure("Cannot find module '../src/rnage'")]), undefined);
    assert.equal(detectInfraProblem([failure("Cannot find module 'node:fs/promisez'")]), undefined);
    assert.equal(packageOf('fs'), undefined);
    assert.equal(packageOf('lodash/fp'), 'lodash');
    assert.equal(packageOf('@scope/pkg/deep/file.js'), '@scope/pkg');
  });

  it("reads each runner's timeout message and its limit", () => {
    const cases: Array<[string, string, number]> = [
      ['Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called; if returning a Promise, ensure it resolves.', 'mocha', 2000],
      [
        'thrown: "Exceeded timeout of 5000 ms for a test.\nAdd a timeout value to this test to increase the timeout, if this is a long-running test."',
        'jest',
        5000,
      ],
      [
        'Error: Test timed out in 5000ms.\nIf this is a long-running test, pass a timeout value as the last argument or configure it globally with "testTimeout".',
        'vitest',
        5000,
      ],
      ['test timed out after 1000ms', 'node', 1000],
    ];
    for (const [message, runner, ms] of cases) {
      const problem = detectInfraProblem([failure(message)]);
      assert.equal(problem?.kind === 'test-timeout' && `${problem.runner} ${problem.ms}`, `${runner} ${ms}`, message);
    }
  });

  it('names the environment variable an error asks for, and nothing in ordinary words', () => {
    const named = (message: string): string | undefined => {
      const p = detectInfraProblem([failure(message)]);
      return p?.kind === 'missing-env' ? p.name : undefined;
    };
    assert.equal(named('Error: Missing required environment variable API_TOKEN'), 'API_TOKEN');
    assert.equal(named('Environment variable "DATABASE_URL" is not set'), 'DATABASE_URL');
    assert.equal(named('process.env.STRIPE_KEY is undefined'), 'STRIPE_KEY');
    assert.equal(named('REDIS_URL must be set'), 'REDIS_URL');
    assert.equal(named('Missing environment variable: the config'), undefined);
    assert.equal(named('expected 3, got 2'), undefined);
  });
});
