/** A test command's whole process tree ends with its run: on a timeout, a cancel, or when the root exits. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { platformFor } from '../../../src/core/verify/platform';
import { runProcess } from '../../../src/core/verify/process';
import { tempDir } from '../../helpers/repo';
import { fakeEffects } from '../../fakes/platformEffects';

/** Running, and not a zombie waiting for a parent to reap it (signal 0 still reaches those). */
function running(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

describe('runProcess on Windows (fakes)', () => {
  it('runs the command through cmd.exe and ends the tree on a timeout with taskkill /T /F on its pid, never a negative pid', async () => {
    const { effects, recorded } = fakeEffects({ pid: 5150 });
    const result = await runProcess({ command: 'npm test', cwd: 'C:\\app', timeoutMs: 20 }, platformFor('win32', effects));
    assert.equal(recorded.spawns[0].file, 'C:\\Windows\\system32\\cmd.exe');
    assert.deepEqual(recorded.spawns[0].args, ['/d', '/s', '/c', '"npm test"']);
    assert.deepEqual(recorded.runs, [{ file: 'taskkill', args: ['/pid', '5150', '/T', '/F'] }]);
    assert.deepEqual(recorded.kills, []);
    assert.equal(result.timedOut, true);
  });

  it('ends the tree the same way on a cancel', async () => {
    const { effects, recorded } = fakeEffects({ pid: 77 });
    const controller = new AbortController();
    const run = runProcess({ command: 'npx vitest run', cwd: 'C:\\app', timeoutMs: 60_000, signal: controller.signal }, platformFor('win32', effects));
    controller.abort();
    const result = await run;
    assert.equal(result.cancelled, true);
    assert.deepEqual(recorded.runs, [{ file: 'taskkill', args: ['/pid', '77', '/T', '/F'] }]);
    assert.deepEqual(recorded.kills, []);
  });

  it('keeps the output and the exit code of a run that ends by itself, and starts no taskkill for it', async () => {
    const { effects, recorded } = fakeEffects();
    const run = runProcess({ command: 'npm test', cwd: 'C:\\app', timeoutMs: 60_000 }, platformFor('win32', effects));
    const [child] = recorded.children;
    child.stdout.write('ok 1 - adds\r\n');
    child.stderr.write('warning\r\n');
    child.exit(0, null);
    const result = await run;
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'ok 1 - adds\r\n');
    assert.equal(result.stderr, 'warning\r\n');
    assert.deepEqual(recorded.runs, [], 'taskkill could not find the children of an exited root anyway');
  });

  it('ends the run a grace after the root exits when an orphan still holds the output pipes', async () => {
    const { effects, recorded } = fakeEffects();
    const platform = { ...platformFor('win32', effects), orphanPipeGraceMs: 30 };
    const started = Date.now();
    const run = runProcess({ command: 'npm test', cwd: 'C:\\app', timeoutMs: 60_000 }, platform);
    const [child] = recorded.children;
    child.stdout.write('1 passing\r\n');
    child.exit(0, null, false);
    const result = await run;
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false);
    assert.match(result.stdout, /1 passing/);
    assert.ok(Date.now() - started < 5000, 'not held until the timeout');
  });
});

describe('runProcess on Linux (real processes)', { skip: process.platform !== 'linux' }, () => {
  it('kills the whole tree, grandchildren included, when the run times out', async () => {
    const dir = tempDir();
    try {
      // A child and a grandchild in the background, each writing its pid, and a root that waits.
      const command = `sleep 600 & echo $! > child.pid; sh -c 'sleep 600 & echo $! > grandchild.pid; wait' & wait`;
      const result = await runProcess({ command, cwd: dir, timeoutMs: 1000 });
      assert.equal(result.timedOut, true);
      for (const name of ['child.pid', 'grandchild.pid']) {
        const pid = Number(fs.readFileSync(path.join(dir, name), 'utf8'));
        assert.ok(pid > 0, name);
        assert.equal(await gone(pid), true, `${name} (${pid}) is killed with the run`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends a daemon that holds the output pipes when the root exits, without waiting for the timeout', async () => {
    const dir = tempDir();
    try {
      const result = await runProcess({ command: 'sleep 600 & echo $! > daemon.pid; echo done', cwd: dir, timeoutMs: 60_000 });
      assert.equal(result.timedOut, false);
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, 'done\n');
      assert.ok(result.ms < 30_000);
      assert.equal(await gone(Number(fs.readFileSync(path.join(dir, 'daemon.pid'), 'utf8'))), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** True once `pid` no longer runs (a zombie counts as gone: it was killed, only its parent has not reaped it). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!running(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
