/**
 * The fast screen (src/core/verify/screen.ts) with its real worker process: a run's hang budget
 * starts when the worker is ready, so a slow start on a busy machine is not taken for a hanging
 * candidate, while a candidate that really hangs is still cut at its budget.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Screen } from '../../../src/core/verify/screen';
import { makeProject } from '../../helpers/repo';

const PASSING = "const test = require('node:test');\ntest('adds', () => {\n  if (1 + 1 !== 2) throw new Error('no');\n});\n";
const HANGING = "const test = require('node:test');\ntest('loops', () => {\n  for (;;) {}\n});\n";

/** Runs `work` with every new Node process made to spend `ms` starting up (NODE_OPTIONS --require). */
async function withSlowStart<T>(dir: string, ms: number, work: () => Promise<T>): Promise<T> {
  const slow = path.join(dir, 'slow-start.cjs');
  fs.writeFileSync(slow, `const end = Date.now() + ${ms};\nwhile (Date.now() < end) {}\n`);
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require ${JSON.stringify(slow)}`.trim();
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

describe('the screen', () => {
  it('gives a run its whole budget once the worker is ready, however long the worker took to start', async () => {
    const dir = makeProject({ 'test/add.test.js': PASSING });
    const screen = new Screen(dir, 5000);
    try {
      const outcome = await withSlowStart(dir, 1500, () => screen.run([path.join(dir, 'test/add.test.js')], 1000));
      assert.equal(outcome.kind, 'ran', JSON.stringify(outcome));
      assert.deepEqual(outcome.kind === 'ran' && outcome.tests.map((t) => t.status), ['passed']);
    } finally {
      screen.dispose();
    }
  });

  it('still cuts a run that hangs at its budget, and the next run gets a fresh worker', async () => {
    const dir = makeProject({ 'test/add.test.js': PASSING, 'test/loop.test.js': HANGING });
    const screen = new Screen(dir, 60_000);
    try {
      const hung = await screen.run([path.join(dir, 'test/loop.test.js')], 500);
      assert.equal(hung.kind, 'timeout');
      const next = await screen.run([path.join(dir, 'test/add.test.js')], 5000);
      assert.equal(next.kind, 'ran', JSON.stringify(next));
    } finally {
      screen.dispose();
    }
  });
});
