/**
 * Every runner in the registry, run for real on the same fixture project through the project's own
 * `npm test`, old and new versions: Self-Heal's reporter file is loaded by path and its report
 * gives the same outcomes the runner's own output shows.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { installedVersion, runnerNamed } from '../../../src/core/runners';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { projectWithRunner, recordingLog, RUNNER_FIXTURES, versionOf, type Generation } from './runnerProjects';

const MOCHA = [
  'adds at top level failed',
  'math > multiplies passed',
  'math > adds failed',
  'math > divides skipped',
  'outer inner > works passed',
  'outer inner > throws failed',
  'outer inner > compares lines failed',
];
const FILE_IDS = [
  'math.test.js > math > multiplies passed',
  'math.test.js > math > adds failed',
  'math.test.js > math > divides skipped',
  'math.test.js > adds at top level failed',
  'nested.test.js > outer > inner > works passed',
  'nested.test.js > outer > inner > throws failed',
  'nested.test.js > outer > inner > compares lines failed',
  'nested.test.js > hooks > never runs failed',
];

const CASES = [
  // Mocha 2 names a failing hook without the test it was for.
  { runner: 'mocha', generation: 'old', outcomes: [...MOCHA, 'hooks > "before all" hook failed'] },
  { runner: 'mocha', generation: 'current', outcomes: [...MOCHA, 'hooks > "before all" hook for "never runs" failed'] },
  { runner: 'jest', generation: 'old', outcomes: FILE_IDS },
  { runner: 'jest', generation: 'current', outcomes: FILE_IDS },
  // Vitest's own JSON reporter calls the tests of a suite whose hook failed skipped; ours, like jest, failed.
  { runner: 'vitest', generation: 'old', outcomes: FILE_IDS },
  { runner: 'vitest', generation: 'current', outcomes: FILE_IDS },
] satisfies Array<{ runner: string; generation: Generation; outcomes: string[] }>;

describe('the runner registry on real runners', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  for (const c of CASES) {
    it(`reads ${c.runner} ${versionOf(c.runner, c.generation)} through Self-Heal's own reporter`, async () => {
      const dir = projectWithRunner(path.join(RUNNER_FIXTURES, c.runner), c.runner, c.generation);
      dirs.push(dir);
      const log = recordingLog();
      const run = await new ProcessTestRunner(log).run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
      assert.deepEqual(log.warnings, [], 'the reporter run needed no fallback');
      assert.deepEqual(run.outcomes.map((o) => `${o.id} ${o.status}`).sort(), [...c.outcomes].sort());
      assert.equal(await installedVersion(runnerNamed(c.runner)!, dir), versionOf(c.runner, c.generation));
      const adds = run.failures.find((f) => f.name === 'adds');
      assert.equal(adds?.file, 'math.test.js');
      assert.equal(adds?.actual, '-1');
    });
  }

  it('reads node:test from its piped TAP output', async () => {
    const dir = projectWithRunner(path.join(RUNNER_FIXTURES, 'node'), 'node');
    dirs.push(dir);
    const run = await new ProcessTestRunner().run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
    assert.deepEqual(
      run.outcomes.filter((o) => o.id.startsWith('math')).map((o) => `${o.id} ${o.status}`),
      ['math > multiplies passed', 'math > adds failed', 'math > divides skipped'],
    );
    assert.equal(run.failures.find((f) => f.id === 'math > adds')?.file, 'math.test.js');
  });

  it('narrows a run to one file by replacing the paths the command names', async () => {
    const dir = projectWithRunner(path.join(RUNNER_FIXTURES, 'mocha'), 'mocha', 'old');
    dirs.push(dir);
    const run = await new ProcessTestRunner().run({ cwd: dir, command: 'npm test', files: ['nested.test.js'], timeoutMs: 60_000 });
    assert.deepEqual(
      run.outcomes.map((o) => o.id),
      ['outer inner > works', 'outer inner > throws', 'outer inner > compares lines', 'hooks > "before all" hook'],
    );
  });
});
