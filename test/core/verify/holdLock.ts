/**
 * A second process for the lock tests (run with `node --import tsx`):
 *   hold ROOT LOCKDIR OWNER          take the lock, print "held", keep it until killed
 *   race ROOT LOCKDIR INSIDE ROUNDS  take and release it ROUNDS times; inside the lock, create
 *                                    INSIDE exclusively and remove it, printing "overlap" if
 *                                    another holder was inside at the same time
 */
import * as fs from 'node:fs';
import { acquireWorkspaceLock } from '../../../src/core/verify/lock';

async function main(): Promise<void> {
  const [mode, root, lockDir, arg, rounds] = process.argv.slice(2);
  if (mode === 'hold') {
    await acquireWorkspaceLock(root, { lockDir, owner: arg });
    process.stdout.write('held\n');
    setInterval(() => undefined, 1000);
    return;
  }
  let overlaps = 0;
  for (let i = 0; i < Number(rounds); i++) {
    const lock = await acquireWorkspaceLock(root, { lockDir, owner: `racer ${process.pid}`, waitMs: 60_000, pollMs: 5 });
    try {
      fs.writeFileSync(arg, String(process.pid), { flag: 'wx' });
    } catch {
      overlaps++;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
    fs.rmSync(arg, { force: true });
    await lock.release();
  }
  process.stdout.write(overlaps ? `overlap ${overlaps}\n` : 'ok\n');
}

void main();
