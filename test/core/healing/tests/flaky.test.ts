import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { quarantineCandidate } from '../../../../src/core/healing/tests/flaky';
import { rerunFailures } from '../../../../src/core/analysis/reruns';
import { applyEdits } from '../../../../src/core/edits';
import { Failure } from '../../../../src/core/model';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';
import { exampleProject, makeProject } from '../../../helpers/repo';
import { healWorkspace } from '../../../../src/core/heal';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import { healTestsIn, testProblemProject } from './heal';
import { linkRunner, versionOf } from '../../runners/runnerProjects';
import type { TestRunRequest } from '../../../../src/core/ports';

/** A mocha test that fails its first `failing` tries (counted in a file, across processes), then passes. */
const mochaFlaky = (failing: number, suite = 'queue'): Record<string, string> => ({
  'package.json': '{"scripts":{"test":"mocha test/"}}',
  'test/queue.spec.js': [
    "const assert = require('node:assert');",
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    `describe('${suite}', () => {`,
    "  it('drains', () => {",
    "    const counter = path.join(__dirname, '..', '.tries');",
    "    const tries = Number(fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8') : 0) + 1;",
    '    fs.writeFileSync(counter, String(tries));',
    `    assert.ok(tries > ${failing}, 'try ' + tries);`,
    '  });',
    "  it('stays', () => assert.ok(true));",
    '});',
    '',
  ].join('\n'),
});

/** The real runner, counting its runs. */
function countingRunner(): ProcessTestRunner & { commands: string[] } {
  const runner = new ProcessTestRunner() as ProcessTestRunner & { commands: string[] };
  runner.commands = [];
  const run = runner.run.bind(runner);
  runner.run = (request: TestRunRequest) => {
    runner.commands.push(request.command);
    return run(request);
  };
  return runner;
}

/** Fails on odd-numbered runs: the baseline run fails, the first rerun passes. */
const FLAKY = {
  'package.json': '{"scripts":{"test":"node --test"}}',
  'test/queue.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    '',
    "test('drains the queue', () => {",
    "  const counter = path.join(__dirname, '.runs');",
    "  const runs = Number(fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8') : 0) + 1;",
    '  fs.writeFileSync(counter, String(runs));',
    '  assert.strictEqual(runs % 2, 0);',
    '});',
    '',
    "test('stays', () => assert.ok(true));",
    '',
  ].join('\n'),
};

describe('flaky tests', () => {
  it('labels a test that passes on a rerun flaky and offers a quarantine that weakens the tests', async () => {
    const healed = await healTestsIn(makeProject(FLAKY), { reruns: 3 });
    assert.equal(healed.diagnosis.class, 'flaky');
    assert.equal(
      healed.diagnosis.evidence[0],
      'drains the queue passed 1 of 1 rerun of the unchanged code (and failed in the baseline run)',
      'the first rerun passed, so no more were needed',
    );
    assert.ok(healed.found, healed.reason);
    assert.match(
      healed.after['test/queue.test.js'],
      /\/\/ Quarantined by Self-Heal on \d{4}-\d\d-\d\d: flaky \(drains the queue passed .*\)\. Find the cause, then remove \.skip\.\ntest\.skip\('drains the queue'/,
    );
    assert.deepEqual(healed.found.candidate.labels, ['test edit', 'quarantine', 'weakens tests']);
    assert.deepEqual(healed.found.comparison.evidence.targeted, { passed: 0, total: 1 }, 'skipped, not passing');
    assert.deepEqual(healed.found.comparison.evidence.suite.newlyFailing, []);
  });

  it('does not call a test that fails on every rerun flaky, after seven reruns (a 50% flake would have shown with 99% certainty)', async () => {
    const dir = exampleProject('off-by-one');
    const runner = new ProcessTestRunner();
    const baseline = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 20_000 });
    const reruns = await rerunFailures({ runner, cwd: dir, command: 'npm test', failures: baseline.failures, timeoutMs: 20_000 });
    assert.deepEqual([...reruns.values()], [{ runs: 7, passes: 0, actuals: Array(7).fill('[\n  1,\n  2\n]') }]);
  });

  for (const generation of ['current', 'old'] as const) {
    it(`lets mocha ${versionOf('mocha', generation)} do the reruns as retries of the failing test, in one run`, async () => {
      // Fails on the baseline's try and the next three: the fourth retry passes.
      const flaky = makeProject(mochaFlaky(4));
      linkRunner(flaky, 'mocha', generation);
      const runner = countingRunner();
      const baseline = await runner.run({ cwd: flaky, command: 'npm test', timeoutMs: 20_000 });
      assert.deepEqual(
        baseline.failures.map((f) => f.id),
        ['queue > drains'],
      );
      runner.commands.length = 0;
      const reruns = await rerunFailures({ runner, cwd: flaky, command: 'npm test', failures: baseline.failures, timeoutMs: 20_000 });
      assert.deepEqual([...reruns.values()], [{ runs: 1, passes: 1, actuals: [] }]);
      assert.equal(runner.commands.length, 1, runner.commands.join('\n'));
      assert.match(runner.commands[0], /--grep '\^\(\?:queue drains\)\$' --retries 6$/);

      // Always failing: seven tries in that one run, none passed.
      const broken = makeProject(mochaFlaky(1000));
      linkRunner(broken, 'mocha', generation);
      const failing = (await runner.run({ cwd: broken, command: 'npm test', timeoutMs: 20_000 })).failures;
      runner.commands.length = 0;
      const stable = await rerunFailures({ runner, cwd: broken, command: 'npm test', failures: failing, timeoutMs: 20_000 });
      assert.deepEqual(
        [...stable.values()].map((r) => [r.runs, r.passes]),
        [[7, 0]],
      );
      assert.equal(runner.commands.length, 1);
      assert.equal(fs.readFileSync(path.join(broken, '.tries'), 'utf8'), '8', 'the baseline try and seven more');
    });
  }

  it('selects a mocha test whose suite is named after its own file for the retries run', async () => {
    // Mocha's ids are titles only: here the first one spells the file, and the name filter must keep it.
    const dir = makeProject(mochaFlaky(1000, 'test/queue.spec.js'));
    linkRunner(dir, 'mocha', 'current');
    const runner = countingRunner();
    const failing = (await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 20_000 })).failures;
    assert.deepEqual(
      failing.map((f) => [f.id, f.file]),
      [['test/queue.spec.js > drains', 'test/queue.spec.js']],
    );
    runner.commands.length = 0;
    const reruns = await rerunFailures({ runner, cwd: dir, command: 'npm test', failures: failing, timeoutMs: 20_000 });
    assert.deepEqual(
      [...reruns.values()].map((r) => [r.runs, r.passes]),
      [[7, 0]],
    );
    assert.equal(runner.commands.length, 1, runner.commands.join('\n'));
    assert.equal(fs.readFileSync(path.join(dir, '.tries'), 'utf8'), '8', 'the baseline try and seven more, all in the one run');
  });

  it('stops rerunning as soon as every failing test has passed once', async () => {
    const dir = makeProject(FLAKY);
    const runner = new ProcessTestRunner();
    const baseline = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 20_000 });
    const reruns = await rerunFailures({ runner, cwd: dir, command: 'npm test', failures: baseline.failures, timeoutMs: 20_000 });
    assert.deepEqual([...reruns.values()], [{ runs: 1, passes: 1, actuals: [] }], 'the first rerun passed: no second one');
  });

  it('reruns in-process while it can, and with the real command once it cannot', async () => {
    const dir = exampleProject('off-by-one');
    const runner = new ProcessTestRunner();
    const baseline = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 20_000 });
    const [failure] = baseline.failures;
    let inProcess = 0;
    const reruns = await rerunFailures({
      runner,
      cwd: dir,
      command: 'npm test',
      failures: baseline.failures,
      times: 4,
      timeoutMs: 20_000,
      inProcess: async (times) => (++inProcess <= 2 ? new Map([[failure.id, { runs: times, passes: 0, actuals: [] }]]) : undefined),
    });
    assert.equal(inProcess, 3, 'asked until it could not, then not again');
    assert.deepEqual(reruns.get(failure.id), { runs: 4, passes: 0, actuals: ['[\n  1,\n  2\n]', '[\n  1,\n  2\n]'] });
  });

  it('calls a test that fails its first six runs and then passes flaky, through the heal API', async () => {
    const [heal] = (await healWorkspace({ files: new DiskFiles(testProblemProject('flaky-late')) })).heals;
    assert.equal(heal.diagnosis.class, 'flaky', heal.diagnosis.evidence.join());
    assert.match(heal.diagnosis.evidence[0], /answers from a warm cache passed 1 of [4-7] reruns of the unchanged code/);
    assert.equal(heal.fix?.candidate.operator, 'quarantine', heal.reason);
  });

  it('quarantines a test inside a suite with a note at its own indentation', async () => {
    const text = "describe('queue', () => {\n  it.only('drains', () => {});\n});\n";
    const failure = Failure.parse({ id: 'q.test.js > queue > drains', name: 'drains', file: 'q.test.js', message: 'x' });
    const candidate = await quarantineCandidate(failure, text, 'passed 1 of 3 reruns', new Date('2026-01-02T00:00:00Z'));
    assert.equal(
      applyEdits(text, candidate!.edits),
      "describe('queue', () => {\n  // Quarantined by Self-Heal on 2026-01-02: flaky (passed 1 of 3 reruns). Find the cause, then remove .skip.\n  it.skip('drains', () => {});\n});\n",
    );
  });
});
