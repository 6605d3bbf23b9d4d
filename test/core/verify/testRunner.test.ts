/**
 * ProcessTestRunner's fallback: when the run with Self-Heal's reporter gives no report or never
 * ends and the project's plain command works, the plain command's own output is used for the rest
 * of the runner's life, the log says so, and nobody is told their tests hang.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { packageDir, projectWithRunner, recordingLog, RUNNER_FIXTURES } from '../runners/runnerProjects';

/**
 * The mocha fixture behind a launcher of the kind some teams put in front of their runner: it
 * passes everything through to the real mocha, except a reporter given by path, which it
 * `refuses` (exit 64) or on which it `hangs`, as mocha before 8 did on flags it did not know.
 */
function behindLauncher(onReporter: 'refuses' | 'hangs'): { dir: string; launches: () => string[] } {
  const dir = projectWithRunner(path.join(RUNNER_FIXTURES, 'mocha'), 'mocha', 'current');
  const log = path.join(dir, 'launches.log');
  const reaction = onReporter === 'refuses' ? 'echo "launcher: reporter $a is not allowed" >&2; exit 64' : 'exec sleep 600';
  const launcher = [
    '#!/bin/sh',
    `echo "$*" >> '${log}'`,
    `for a in "$@"; do case "$a" in /*.cjs) ${reaction};; esac; done`,
    `exec '${process.execPath}' '${path.join(packageDir('mocha', 'current'), 'bin', 'mocha.js')}' "$@"`,
    '',
  ].join('\n');
  fs.rmSync(path.join(dir, 'node_modules', '.bin', 'mocha'));
  fs.writeFileSync(path.join(dir, 'node_modules', '.bin', 'mocha'), launcher, { mode: 0o755 });
  return { dir, launches: () => fs.readFileSync(log, 'utf8').trim().split('\n') };
}

const withReporter = (args: string): boolean => /\/mocha\.cjs\b/.test(args);

describe('ProcessTestRunner when our reporter does not work for a project', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('falls back to the plain command when the reporter run writes no report, says so, and does not retry the reporter', async () => {
    const { dir, launches } = behindLauncher('refuses');
    dirs.push(dir);
    const log = recordingLog();
    const runner = new ProcessTestRunner(log);
    const first = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
    assert.equal(first.outcomes.find((o) => o.id === 'math > adds')?.status, 'failed');
    assert.equal(first.outcomes.length, 8);
    assert.equal(log.warnings.length, 1);
    assert.match(log.warnings[0], /wrote no report \(exit 64\) with Self-Heal's mocha reporter \(mocha 11\.8\.0\) but ran without it/);
    const second = await runner.run({ cwd: dir, command: 'npm test', files: ['math.test.js'], timeoutMs: 60_000 });
    assert.deepEqual(
      second.outcomes.map((o) => o.id),
      ['adds at top level', 'math > multiplies', 'math > adds', 'math > divides'],
    );
    assert.deepEqual(launches().map(withReporter), [true, false, false], 'the reporter is tried once per heal');
  });

  it('falls back when the reporter run never ends, and does not call the tests hanging', async () => {
    const { dir } = behindLauncher('hangs');
    dirs.push(dir);
    const log = recordingLog();
    const run = await new ProcessTestRunner(log).run({ cwd: dir, command: 'npm test', timeoutMs: 10_000 });
    assert.equal(run.timedOut, false);
    assert.equal(run.outcomes.length, 8);
    assert.equal(
      run.failures.some((f) => /did not finish/.test(f.message)),
      false,
    );
    assert.match(log.warnings.join('\n'), /did not finish within 10 s with Self-Heal's mocha reporter .* but ran without it/);
  });

  it('takes a report of no test at all (a name filter that selects none) as the reporter working, with no fallback to human output', async () => {
    const dir = projectWithRunner(path.join(RUNNER_FIXTURES, 'mocha'), 'mocha', 'current');
    dirs.push(dir);
    const log = recordingLog();
    const runner = new ProcessTestRunner(log);
    const none = await runner.run({ cwd: dir, command: "mocha math.test.js --grep 'no such test'", timeoutMs: 60_000 });
    assert.deepEqual([none.outcomes.length, none.exitCode], [0, 0]);
    const some = await runner.run({ cwd: dir, command: "mocha math.test.js --grep 'no such test'", files: ['nested.test.js'], timeoutMs: 60_000 });
    assert.deepEqual([some.outcomes.length, some.exitCode], [0, 0]);
    assert.deepEqual(log.warnings, [], 'no fallback to human output: nothing showed the reporter failing');
  });
});
