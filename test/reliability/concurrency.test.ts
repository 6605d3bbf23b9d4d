/**
 * Two heals on one workspace at once — two CLI processes, or the CLI while the extension works —
 * must not corrupt each other's sandbox or the ledger: exactly one applies a fix, the other is
 * refused with a message that names the run holding the workspace, and a lock left by a killed
 * run never blocks the next one.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { acquireWorkspaceLock, workspaceLockPath } from '../../src/core/verify/lock';
import { exampleProject, fingerprint } from '../helpers/repo';
import { ensureCli, extraWorktrees, processesLeft, readLedger, runCli, sandboxesOf, spawnCli } from './harness';

const FILE = 'src/range.js';
const BUSY =
  /self-heal: Another Self-Heal run \(.+, pid \d+, since .+\) is working on this workspace\. Wait for it to finish, or stop it; a lock left by a crashed run is cleared automatically\./;

describe('two heals on one workspace', () => {
  before(async () => {
    await ensureCli();
  });

  it('two CLI runs with --apply at once: one applies, the other is refused, and the ledger holds one record', async () => {
    const dir = exampleProject('off-by-one');
    const original = fs.readFileSync(path.join(dir, FILE), 'utf8');
    // Both runs pause just before their rename, so without a lock both pass their staleness check.
    const runs = await Promise.all([0, 1].map(() => spawnCli(['heal', dir, '--apply'], { crashAt: 'delay:rename=1500' }).done));
    const applied = runs.filter((r) => /\n {2}applied\n/.test(r.stdout));
    const refused = runs.filter((r) => BUSY.test(r.stderr) || /not applied: src\/range\.js changed since the fix was verified/.test(r.stdout));
    assert.equal(
      applied.length,
      1,
      runs
        .map((r) =>
          `${r.stdout.split('\n').find((l) => /^ {2}(not )?applied/.test(l)) ?? ''} ${r.stderr
            .split('\n')
            .filter((l) => l.startsWith('self-heal:'))
            .join(' ')}`.trim(),
        )
        .join(' / '),
    );
    assert.equal(refused.length, 1);
    const { records, skipped } = await readLedger(dir);
    assert.equal(skipped, 0);
    assert.equal(records.length, 1, 'two apply records for one change: reverting one leaves the other pointing at text that is gone');
    assert.equal(fs.readFileSync(path.join(dir, FILE), 'utf8'), original.replace('i < end', 'i <= end'));
    for (const run of runs) {
      assert.deepEqual(sandboxesOf(run.pid), []);
      assert.deepEqual(await processesLeft(run.marker), []);
    }
    assert.deepEqual(extraWorktrees(dir), []);
  });

  it('two CLI runs at once without --apply: each heals or is refused, and both leave the workspace as it was', async () => {
    const dir = exampleProject('off-by-one');
    const print = fingerprint(dir);
    const runs = await Promise.all([0, 1].map(() => runCli(['heal', dir])));
    for (const run of runs) {
      assert.ok(run.code === 0 ? /i <= end/.test(run.stdout) : run.code === 2 && BUSY.test(run.stderr), run.stdout + run.stderr);
      assert.deepEqual(sandboxesOf(run.pid), []);
    }
    assert.deepEqual(extraWorktrees(dir), []);
    assert.equal(fingerprint(dir), print);
  });

  it('the CLI while the extension works on the workspace: refused, naming the extension, before any sandbox is made', async () => {
    const dir = exampleProject('off-by-one');
    const print = fingerprint(dir);
    const extension = await acquireWorkspaceLock(dir, { owner: 'the VS Code extension' });
    try {
      const run = await runCli(['heal', dir, '--apply']);
      assert.equal(run.code, 2, `the CLI healed while the extension held the workspace:\n${run.stdout.split('\n').slice(0, 4).join('\n')}`);
      assert.match(run.stderr, new RegExp(`Another Self-Heal run \\(the VS Code extension, pid ${process.pid}, since `));
      assert.equal(fingerprint(dir), print);
    } finally {
      await extension.release();
    }
  });

  it('history while the extension works on the workspace: answers at once, without waiting for the lock', async () => {
    const dir = exampleProject('off-by-one');
    const applied = await runCli(['heal', dir, '--apply']);
    assert.equal(applied.code, 0, applied.stderr);
    const extension = await acquireWorkspaceLock(dir, { owner: 'the VS Code extension' });
    try {
      // The extension holds the lock until after this answer: a history that needed the lock would
      // wait for it and then be refused (exit code 2, "Another Self-Heal run …").
      const history = await runCli(['history', dir, '--json']);
      assert.equal(history.code, 0, history.stderr);
      assert.doesNotMatch(history.stderr, /Another Self-Heal run/);
      assert.deepEqual(
        JSON.parse(history.stdout).map((r: { kind: string }) => r.kind),
        ['apply'],
      );
    } finally {
      await extension.release();
    }
  });

  it('a lock left by a killed CLI does not block the next run', async () => {
    const dir = exampleProject('off-by-one');
    const { child, done, stderrMatch } = spawnCli(['heal', dir]);
    assert.ok(await stderrMatch(/Running the tests/));
    child.kill('SIGKILL');
    await done;
    const next = await runCli(['heal', dir]);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(fs.existsSync(workspaceLockPath(dir)), false);
  });
});
