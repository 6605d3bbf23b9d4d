/**
 * Test suites that misbehave: they hang, start daemons, write outside their folder or into git,
 * print megabytes, die from signals, or need a terminal. Self-Heal runs them in its sandbox; the
 * user's workspace and repository must come out byte-identical, nothing the tests started may
 * outlive the heal, and the user must be told plainly what happened.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { sandboxParents } from '../../src/core/verify/sandbox';
import { exampleProject, fingerprint, git, makeProject, tempDir } from '../helpers/repo';
import { ensureCli, killMarked, processesLeft, refsState, runCli, sandboxesOf, type CliRun } from './harness';

/** off-by-one (one healable bug) plus a misbehaving test file, committed. */
function project(extraTest: string, packageJson?: object): string {
  const dir = exampleProject('off-by-one');
  fs.writeFileSync(path.join(dir, 'test/extra.test.js'), extraTest);
  if (packageJson) fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'a misbehaving test');
  return dir;
}

/** Heal `dir`; assert the workspace, refs and process table come out as they went in. */
async function healUntouched(dir: string, args: string[] = []): Promise<CliRun> {
  const print = fingerprint(dir);
  const refs = refsState(dir);
  const run = await runCli(['heal', dir, ...args]);
  const left = await processesLeft(run.marker, 2000);
  killMarked(run.marker);
  assert.deepEqual(left, [], 'processes started by the tests outlived the heal');
  assert.deepEqual(sandboxesOf(run.pid), []);
  assert.equal(refsState(dir), refs, "the tests changed the user's branches, tags, stash or git config");
  assert.equal(fingerprint(dir), print);
  return run;
}

const HEALED = /● range includes both ends\n {2}fix: replace `<` with `<=` on line 4/;
/** A test that never ends and starts a child that would outlive it. */
const HANGS =
  "require('node:test')('waits forever', () => new Promise(() => { require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); setInterval(() => {}, 1000); }));\n";

describe('misbehaving tests', () => {
  before(async () => {
    await ensureCli();
  });

  it('that hang in one file: that file is stopped at the time limit with its children and reported, and the real bug is still healed', async () => {
    const dir = project(HANGS);
    const run = await healUntouched(dir, ['--timeout', '2']);
    assert.equal(run.code, 1, 'one test file stays unhealed');
    assert.match(
      run.stdout,
      /✗ test\/extra\.test\.js\n {2}test\/extra\.test\.js did not finish within 2 s; Self-Heal stopped it and healed the other test files without it\./,
    );
    assert.match(run.stdout, HEALED);
  });

  it('that hang in every file: stopped at the time limit with their children, and told what to do', async () => {
    const dir = makeProject(
      { 'package.json': JSON.stringify({ name: 'hangs', scripts: { test: 'node --test' } }), 'test/extra.test.js': HANGS },
      { commit: true },
    );
    const run = await healUntouched(dir, ['--timeout', '2']);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr
        .split('\n')
        .filter((l) => l.startsWith('self-heal: '))
        .join('\n'),
      'self-heal: The tests did not finish within 2 s, so Self-Heal stopped them. If they are just slow, raise the limit (--timeout SECONDS or selfHeal.testTimeoutSeconds); if they hang, that is the first thing to fix.',
    );
  });

  it('that start a background process: it ends with the test run', async () => {
    const dir = project(
      "require('node:test')('starts a watcher', () => { require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }).unref(); });\n",
    );
    const run = await healUntouched(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, HEALED);
  });

  it('that start a daemon in its own session (setsid): it does not outlive the heal', async () => {
    const dir = project(
      "require('node:test')('starts a server', () => { require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' }).unref(); });\n",
    );
    const run = await healUntouched(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, HEALED);
  });

  it('that write outside their folder: the files land beside the sandbox, never in the workspace', async () => {
    const name = `escaped-by-tests-${process.pid}.txt`;
    // The workspace sits in a folder of its own, so "next to the project" is not the temp dir.
    const dir = path.join(tempDir(), 'workspace');
    fs.renameSync(
      project(
        `require('node:test')('writes next to the project', () => { require('node:fs').writeFileSync(require('node:path').join(__dirname, '..', '..', ${JSON.stringify(name)}), 'x'); });\n`,
      ),
      dir,
    );
    const run = await healUntouched(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, HEALED);
    assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['workspace']);
    for (const parent of sandboxParents()) fs.rmSync(path.join(parent, name), { force: true }); // it landed beside the sandbox
  });

  it("that run git in their working folder (tag, branch, config): the user's repository is not touched", async () => {
    const dir = project(
      "require('node:test')('tags a release', () => { require('node:child_process').execSync('git tag -f from-the-tests && git branch -f made-by-the-tests && git config tests.ran yes', { stdio: 'ignore' }); });\n",
    );
    const run = await healUntouched(dir);
    assert.match(run.stdout, HEALED);
  });

  it('that print 10 MB: the heal still works, and prints a few kilobytes', async () => {
    const dir = project(
      "require('node:test')('prints a lot', () => { const line = 'x'.repeat(1023) + '\\n'; for (let i = 0; i < 10 * 1024; i++) process.stdout.write(line); });\n",
    );
    const run = await healUntouched(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, HEALED);
    assert.ok(run.stdout.length + run.stderr.length < 16 * 1024, `the CLI printed ${run.stdout.length + run.stderr.length} characters`);
  });

  it('whose test file dies from a signal: that file is reported unhealed, the real bug is still healed', async () => {
    const dir = project("require('node:test')('crashes', () => { process.kill(process.pid, 'SIGSEGV'); });\n");
    const run = await healUntouched(dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ test\/extra\.test\.js\n {2}Could not find the code under test/);
    assert.match(run.stdout, HEALED);
  });

  it('whose whole test command dies from a signal: says so at once instead of trying every candidate', async () => {
    const dir = project("require('node:test')('ok', () => {});\n", { scripts: { test: 'node --test; kill -ABRT $$' } });
    const run = await healUntouched(dir);
    assert.equal(run.code, 2, `exit ${run.code}:\n${run.stdout}`);
    assert.match(run.stderr, /self-heal: The test command `npm test` was killed by SIGABRT/);
  });

  it('that need a terminal: reported unhealed without touching the code, the real bug still healed', async () => {
    const dir = project(
      "require('node:test')('needs a terminal', () => { if (!process.stdout.isTTY) throw new Error('this test must run in a terminal'); });\n",
    );
    const run = await healUntouched(dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ needs a terminal\n {2}Could not find the code under test/);
    assert.match(run.stdout, HEALED);
  });
});
