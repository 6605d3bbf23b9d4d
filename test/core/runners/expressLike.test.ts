/**
 * An express 4.x-shaped project on mocha 2 (`mocha --require test/support/env --reporter spec
 * --check-leaks test/`), whose code prints a DeprecationWarning and whose tests write to stderr:
 * the tests run as the project runs them, with clean ids, and its bug is healed end to end.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { runnerNamed } from '../../../src/core/runners';
import { parseHumanOutput } from '../../../src/core/runners/humanOutput';
import { parseTestOutput } from '../../../src/core/signals';
import { runProcess } from '../../../src/core/verify/process';
import { expandCommand } from '../../../src/core/verify/testCommand';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { git, REPO_ROOT } from '../../helpers/repo';
import { projectWithRunner, recordingLog } from './runnerProjects';

const IDS = [
  'req .protocol > should return the protocol string passed',
  'req .protocol > should respect X-Forwarded-Proto passed',
  'req .protocol > should use the first X-Forwarded-Proto passed',
  'req .subdomains > should return an array of subdomains failed',
  'req .subdomains > should return an empty array without subdomains passed',
];
const NOISE = /\(node:\d+\)|DeprecationWarning|trace-deprecation|debug: checking/;

function expressLike(): string {
  const dir = projectWithRunner(path.join(REPO_ROOT, 'test', 'fixtures', 'express-like'), 'mocha', 'old');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

describe('an express-like project on mocha 2 with stderr noise', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("runs its own npm test with Self-Heal's reporter and keeps warnings and console output out of test ids", async () => {
    const dir = expressLike();
    dirs.push(dir);
    const log = recordingLog();
    const run = await new ProcessTestRunner(log).run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
    assert.deepEqual(log.warnings, []);
    assert.deepEqual(
      run.outcomes.map((o) => `${o.id} ${o.status}`),
      IDS,
    );
    const [failure] = run.failures;
    assert.equal(failure.file, 'test/req.subdomains.js');
    for (const text of [...run.outcomes.map((o) => o.id), failure.name, failure.message]) assert.doesNotMatch(text, NOISE);
    assert.match(run.output, /DeprecationWarning/, 'the noise was there to be kept out');
  });

  it('reads the same clean ids from the plain spec output, parsed from stdout alone', async () => {
    const dir = expressLike();
    dirs.push(dir);
    const expanded = await expandCommand(dir, 'npm test');
    const plain = await runProcess({ command: expanded.command, cwd: dir, timeoutMs: 60_000, env: { ...expanded.env, NO_COLOR: '1' } });
    assert.match(plain.stderr, /\[DEP_EXPRESS_LIKE\] DeprecationWarning/);
    assert.match(plain.stderr, /debug: checking the forwarded protocol/);
    const parsed = parseHumanOutput(plain, runnerNamed('mocha'), dir);
    assert.deepEqual(
      parsed.outcomes.map((o) => `${o.id} ${o.status}`),
      IDS,
    );
  });

  it('reads clean ids from both streams interleaved, as a terminal shows them to the extension', async () => {
    const dir = expressLike();
    dirs.push(dir);
    const expanded = await expandCommand(dir, 'npm test');
    const plain = await runProcess({ command: expanded.command, cwd: dir, timeoutMs: 60_000, env: { ...expanded.env, NO_COLOR: '1' } });
    // The noise is in the output; where it lands among the test lines depends on which of the two
    // pipes the OS delivers first, so only its presence is asserted, not its order.
    for (const noise of [/DeprecationWarning/, /debug: checking the forwarded protocol/]) assert.match(plain.output, noise);
    assert.match(plain.output, /should respect X-Forwarded-Proto/);
    const parsed = parseTestOutput(plain.output, { runner: 'mocha', root: dir });
    assert.deepEqual(
      parsed.outcomes.map((o) => `${o.id} ${o.status}`),
      IDS,
    );
  });

  it('heals the bug through the CLI with the project’s own test command', () => {
    const dir = expressLike();
    dirs.push(dir);
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'heal', dir], {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /✓ 1\/1 failing now pass, 5\/5 suite/);
    assert.match(run.stdout, /^-  return parts\.slice\(offset \+ 1\);$/m);
    assert.doesNotMatch(run.stderr, /did not finish|hang/);
  });
});
