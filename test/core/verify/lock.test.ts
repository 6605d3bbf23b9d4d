/**
 * The workspace lock (src/core/verify/lock.ts) with real processes: one holder at a time, a clear
 * refusal naming the holder, waiting, and immediate recovery of a lock whose holder was killed.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { SelfHealError } from '../../../src/core/model';
import { acquireWorkspaceLock, staleReason, workspaceLockPath, withWorkspaceLock } from '../../../src/core/verify/lock';
import { tempDir } from '../../helpers/repo';

const HOLDER = path.join(__dirname, 'holdLock.ts');
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

function helper(args: string[]): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const output = new Promise<string>((resolve) => {
    child.stdout!.on('data', () => {
      if (out.includes('held\n')) resolve(out);
    });
    child.on('close', () => resolve(out));
  });
  return { child, output };
}

async function heldElsewhere(root: string, lockDir: string, owner: string): Promise<ChildProcess> {
  const { child, output } = helper(['hold', root, lockDir, owner]);
  assert.equal(await output, 'held\n');
  return child;
}

const busy = (e: unknown): boolean => e instanceof SelfHealError && /is working on this workspace/.test(e.message);

describe('workspace lock', () => {
  it('names the other holder, and is free again once it is released', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const child = await heldElsewhere(root, lockDir, 'the VS Code extension');
    await assert.rejects(
      acquireWorkspaceLock(root, { lockDir }),
      (e: unknown) =>
        busy(e) &&
        new RegExp(
          `^Another Self-Heal run \\(the VS Code extension, pid ${child.pid}, since .+\\) is working on this workspace\\. Wait for it to finish, or stop it; a lock left by a crashed run is cleared automatically\\.$`,
        ).test((e as Error).message),
    );
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    // SIGTERM ends the holder without its exit handler: the lock is stale, and cleared at once.
    const lock = await acquireWorkspaceLock(root, { lockDir });
    await lock.release();
    assert.equal(fs.existsSync(workspaceLockPath(root, lockDir)), false);
  });

  it('clears a lock left by a process killed with -9 at once, without waiting', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const child = await heldElsewhere(root, lockDir, 'the self-heal CLI');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    // waitMs 0: a lock that is not cleared at once refuses at once, so getting it proves no wait.
    await withWorkspaceLock(root, { lockDir, waitMs: 0 }, async () => {
      assert.ok(fs.existsSync(workspaceLockPath(root, lockDir)));
    });
  });

  it('waits for the holder when asked to, and gives up with the same message after the wait', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const child = await heldElsewhere(root, lockDir, 'the self-heal CLI');
    await assert.rejects(acquireWorkspaceLock(root, { lockDir, waitMs: 400, pollMs: 50 }), busy);
    // The waiter gets the lock only after the holder is gone, never while it still holds it.
    const events: string[] = [];
    const waiter = acquireWorkspaceLock(root, { lockDir, waitMs: 60_000, pollMs: 50 }).then((lock) => {
      events.push('acquired');
      return lock;
    });
    setTimeout(() => {
      events.push('holder killed');
      child.kill('SIGKILL');
    }, 300);
    const lock = await waiter;
    assert.deepEqual(events, ['holder killed', 'acquired']);
    await lock.release();
  });

  it('stops waiting when cancelled', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    await heldElsewhere(root, lockDir, 'the self-heal CLI');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(
      acquireWorkspaceLock(root, { lockDir, waitMs: 60_000, signal: controller.signal }),
      (e: unknown) => e instanceof SelfHealError && e.code === 'CANCELLED',
    );
  });

  it('is shared within one process (the extension heals and applies in one host), and removed by the last release', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const heal = await acquireWorkspaceLock(root, { lockDir });
    const apply = await acquireWorkspaceLock(root, { lockDir });
    await apply.release();
    assert.ok(fs.existsSync(heal.file));
    await heal.release();
    await heal.release();
    assert.equal(fs.existsSync(heal.file), false);
  });

  it('makes serial work in one process take turns, while other work keeps sharing the lock', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const order: string[] = [];
    let finishFirst!: () => void;
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = withWorkspaceLock(root, { lockDir, serial: true, waitMs: 5_000 }, async () => {
      order.push('first starts');
      firstStarted();
      await new Promise<void>((resolve) => (finishFirst = resolve));
      order.push('first ends');
    });
    await started;
    const second = withWorkspaceLock(root, { lockDir, serial: true, waitMs: 5_000 }, async () => order.push('second'));
    await withWorkspaceLock(root, { lockDir }, async () => order.push('a heal shares the lock meanwhile'));
    finishFirst();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first starts', 'a heal shares the lock meanwhile', 'first ends', 'second']);
  });

  it('refuses serial work as busy when its turn does not come within the wait', async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    let finish!: () => void;
    let held!: () => void;
    const started = new Promise<void>((resolve) => (held = resolve));
    const holding = withWorkspaceLock(root, { lockDir, serial: true, waitMs: 5_000 }, () => {
      held();
      return new Promise<void>((resolve) => (finish = resolve));
    });
    await started;
    await assert.rejects(
      withWorkspaceLock(root, { lockDir, serial: true, waitMs: 50 }, async () => assert.fail('ran out of turn')),
      (e: unknown) => e instanceof SelfHealError && e.code === 'BUSY' && /still writing another change/.test(e.message),
    );
    await assert.rejects(
      withWorkspaceLock(root, { lockDir, serial: true }, async () => assert.fail('ran out of turn')),
      (e: unknown) => e instanceof SelfHealError && e.code === 'BUSY',
      'no wait: refused at once',
    );
    finish();
    await holding;
    assert.equal(await withWorkspaceLock(root, { lockDir, serial: true }, async () => 'free again'), 'free again');
  });

  it('is one lock for two spellings of the same folder (a symlink)', async () => {
    const root = tempDir();
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(root, link);
    assert.equal(workspaceLockPath(link), workspaceLockPath(root));
  });

  it('judges a lock whose pid now belongs to another process as stale, and an unreadable one only once it is old', () => {
    const holder = { pid: process.pid, host: os.hostname(), owner: 'x', started: new Date().toISOString(), nonce: 'not-ours', procStart: '1', root: '/' };
    assert.match(staleReason({ holder, mtimeMs: Date.now() }) ?? '', /pid was reused|holds no such lock/);
    assert.equal(staleReason({ holder: undefined, mtimeMs: Date.now() }), undefined);
    assert.equal(staleReason({ holder: undefined, mtimeMs: Date.now() - 60_000 }), 'the lock file is unreadable');
    assert.match(staleReason({ holder: { ...holder, host: 'elsewhere' }, mtimeMs: Date.now() - 120_000 }) ?? '', /has not touched it for 120 s/);
  });

  it('never lets two of six racing processes hold it at once, even when they start on a stale lock', { timeout: 120_000 }, async () => {
    const root = tempDir();
    const lockDir = tempDir('self-heal-locks-');
    const dead = await heldElsewhere(root, lockDir, 'a crashed run');
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.once('close', resolve));
    const inside = path.join(tempDir(), 'inside');
    const racers = Array.from({ length: 6 }, () => helper(['race', root, lockDir, inside, '15']).output);
    assert.deepEqual(await Promise.all(racers), Array(6).fill('ok\n'));
    assert.equal(fs.existsSync(workspaceLockPath(root, lockDir)), false);
  });
});
