/**
 * The user keeps working while a candidate is verified: edits the file, switches branch, commits,
 * deletes files. `heal --apply` must then refuse the fix as stale, leave whatever the user did
 * exactly as they left it, and record nothing; a fix is applied only onto the state it was
 * verified on. The action runs from inside the sandboxed test run (userAction.cjs), so it lands
 * while the first candidate is being screened, every time.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { exampleProject, git, tempDir } from '../helpers/repo';
import { ensureCli, processesLeft, readLedger, runCli, sandboxesOf, type CliRun } from './harness';

const FILE = 'src/range.js';
const TEST = 'test/range.test.js';
const ACTION = path.join(__dirname, 'userAction.cjs');

/** off-by-one, whose test file calls the user's action, with two extra branches. */
function project(): { dir: string; original: string } {
  const dir = exampleProject('off-by-one');
  const testPath = path.join(dir, TEST);
  fs.writeFileSync(testPath, `if (process.env.RELIABILITY_USER_ACTION) require(${JSON.stringify(ACTION)});\n${fs.readFileSync(testPath, 'utf8')}`);
  git(dir, 'commit', '-qam', 'the user action hook');
  const original = fs.readFileSync(path.join(dir, FILE), 'utf8');
  const home = git(dir, 'symbolic-ref', '--short', 'HEAD').trim();
  // feature: the source differs (a reworded comment).
  git(dir, 'checkout', '-qb', 'feature');
  fs.writeFileSync(path.join(dir, FILE), original.replace('both included', 'both ends included'));
  git(dir, 'commit', '-qam', 'reword');
  // exclusive: the same source, but its tests say the end is excluded, so there `<` is right.
  git(dir, 'checkout', '-q', home);
  git(dir, 'checkout', '-qb', 'exclusive');
  fs.writeFileSync(
    testPath,
    fs
      .readFileSync(testPath, 'utf8')
      .replace(
        "test('range includes both ends', () => {\n  assert.deepStrictEqual(range(1, 3), [1, 2, 3]);\n  assert.deepStrictEqual(range(5, 5), [5]);",
        "test('range excludes the end', () => {\n  assert.deepStrictEqual(range(1, 3), [1, 2]);\n  assert.deepStrictEqual(range(5, 5), []);",
      ),
  );
  git(dir, 'commit', '-qam', 'exclusive ranges');
  git(dir, 'checkout', '-q', home);
  return { dir, original };
}

async function healWhileUser(dir: string, action: string): Promise<CliRun> {
  const counter = path.join(tempDir('self-heal-action-'), 'loads');
  const run = await runCli(['heal', dir, '--apply'], {
    env: { RELIABILITY_USER_ACTION: action, RELIABILITY_USER_DIR: dir, RELIABILITY_ACTION_COUNTER: counter },
  });
  assert.ok(fs.existsSync(`${counter}.done`), `the user action never ran:\n${run.stderr}`);
  assert.deepEqual(sandboxesOf(run.pid), []);
  assert.deepEqual(await processesLeft(run.marker), []);
  return run;
}

const read = (dir: string, rel = FILE): string | undefined => (fs.existsSync(path.join(dir, rel)) ? fs.readFileSync(path.join(dir, rel), 'utf8') : undefined);

describe('apply refuses a fix the user made stale', () => {
  before(async () => {
    await ensureCli();
  });

  it('when the user edits the file during verification: their edit stays, nothing is recorded', async () => {
    const { dir, original } = project();
    const run = await healWhileUser(dir, `printf '// edited meanwhile\\n' >> ${FILE}`);
    assert.match(
      run.stdout,
      /not applied: src\/range\.js changed since the fix was verified, so the change was not applied\. Run the heal again on the current text\./,
    );
    assert.equal(read(dir), `${original}// edited meanwhile\n`);
    assert.deepEqual((await readLedger(dir)).records, []);
  });

  it('when the user switches to a branch where the file differs', async () => {
    const { dir } = project();
    const run = await healWhileUser(dir, 'git checkout -q feature');
    assert.match(run.stdout, /not applied: src\/range\.js changed since the fix was verified/);
    assert.equal(git(dir, 'symbolic-ref', '--short', 'HEAD').trim(), 'feature');
    assert.equal(git(dir, 'status', '--porcelain'), '');
    assert.deepEqual((await readLedger(dir)).records, []);
  });

  it('when the user switches to a branch with the same file but other tests (the evidence no longer holds)', async () => {
    const { dir, original } = project();
    const run = await healWhileUser(dir, 'git checkout -q exclusive');
    assert.equal(git(dir, 'symbolic-ref', '--short', 'HEAD').trim(), 'exclusive');
    assert.equal(read(dir), original, 'the fix, verified against other tests, was written onto a branch whose tests it breaks');
    assert.match(run.stdout, /not applied: .*(changed|no longer)/);
    assert.equal(git(dir, 'status', '--porcelain'), '');
    assert.deepEqual((await readLedger(dir)).records, []);
  });

  it('when the user commits a change to the file', async () => {
    const { dir, original } = project();
    const run = await healWhileUser(dir, `sed -i 's/both included/both ends included/' ${FILE} && git commit -qam reword`);
    assert.match(run.stdout, /not applied: src\/range\.js changed since the fix was verified/);
    assert.equal(read(dir), original.replace('both included', 'both ends included'));
    assert.equal(git(dir, 'log', '-1', '--format=%s').trim(), 'reword');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('but not when the user commits something the tests do not see differently (the fix still holds)', async () => {
    const { dir, original } = project();
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'notes\n');
    const run = await healWhileUser(dir, 'git add NOTES.md && git commit -qm notes');
    assert.match(run.stdout, /\n {2}applied\n/);
    assert.equal(read(dir), original.replace('i < end', 'i <= end'));
    assert.equal(git(dir, 'log', '-1', '--format=%s').trim(), 'notes');
    assert.equal((await readLedger(dir)).records.length, 1);
  });

  it('when the user deletes the file', async () => {
    const { dir } = project();
    const run = await healWhileUser(dir, `rm ${FILE}`);
    assert.match(run.stdout, /not applied: src\/range\.js no longer exists, so the change was not applied\./);
    assert.equal(read(dir), undefined, 'the deleted file is not brought back');
    assert.deepEqual((await readLedger(dir)).records, []);
  });
});
