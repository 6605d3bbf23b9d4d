import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { measureBehaviour, type BehaviourInput } from '../../../../src/core/healing/ranking/behaviour';
import { fingerprint, makeProject } from '../../../helpers/repo';

const PAGE = 'function page(items, start, size) {\n  return items.slice(start, start + size - 1);\n}\nmodule.exports = { page };\n';
const TESTS =
  "const test = require('node:test');\nconst assert = require('node:assert');\nconst { page } = require('../src/page');\ntest('first page', () => {\n  assert.deepStrictEqual(page([1, 2, 3, 4], 0, 2), [1, 2]);\n});\ntest('empty', () => {\n  assert.deepStrictEqual(page([], 0, 2), []);\n});\n";

function input(dir: string, target: string, variants: string[]): BehaviourInput {
  return {
    cwd: dir,
    target,
    variants,
    testFiles: ['test/page.test.js'],
    failingNames: ['first page'],
    readText: async (rel) => fs.readFileSync(path.join(dir, rel), 'utf8'),
    budgetMs: 30_000,
  };
}

describe('behaviour beside the original', () => {
  it("runs each variant on the tests' literal calls and their neighbours, and counts what changed outside the failing test", async () => {
    const dir = makeProject({ 'src/page.js': PAGE, 'test/page.test.js': TESTS });
    const before = fingerprint(dir);
    const deletion = PAGE.replace(' - 1', '');
    const identity = PAGE.replace('- 1', '* 1');
    const wider = PAGE.replace('- 1', '+ 1');
    const behaviour = await measureBehaviour(input(dir, 'src/page.js', [PAGE, deletion, identity, wider]));
    assert.ok(behaviour.measured, behaviour.measured ? '' : behaviour.reason);
    assert.equal(behaviour.changed[0], 0, 'the original against itself');
    assert.equal(behaviour.results[1], behaviour.results[2], 'deleting `- 1` and writing `* 1` behave alike');
    assert.notEqual(behaviour.results[1], behaviour.results[3], '`+ 1` behaves differently');
    assert.ok(behaviour.changed[1] > 0, 'the fix changes results beside the failing call too: its neighbours');
    assert.equal(fingerprint(dir), before, 'variants are compiled from text, never written');
  });

  it("tells apart two fixes that agree on the tests' arrays until one of their elements changes", async () => {
    const pair = 'function combine(xs) {\n  return xs[0] - xs[1];\n}\nmodule.exports = { combine };\n';
    const tests =
      "const test = require('node:test');\nconst assert = require('node:assert');\nconst { combine } = require('../src/pair');\ntest('two twos', () => {\n  assert.strictEqual(combine([2, 2]), 4);\n});\n";
    const dir = makeProject({ 'src/pair.js': pair, 'test/page.test.js': tests });
    // [2, 2], [2] and [2, 2, 2] give 2 + 2 and 2 * 2 alike; [1, 2] or [2, 3] do not.
    const behaviour = await measureBehaviour({
      ...input(dir, 'src/pair.js', [pair, pair.replace('-', '+'), pair.replace('-', '*')]),
      failingNames: ['two twos'],
    });
    assert.ok(behaviour.measured, behaviour.measured ? '' : behaviour.reason);
    assert.notEqual(behaviour.results[1], behaviour.results[2], 'the sum and the product are different fixes');
  });

  it('records a variant that loops as hanging instead of waiting for it', async () => {
    const dir = makeProject({ 'src/page.js': PAGE, 'test/page.test.js': TESTS });
    const loops = PAGE.replace('return', 'while (size) {}\n  return');
    const behaviour = await measureBehaviour(input(dir, 'src/page.js', [PAGE, loops]));
    assert.ok(behaviour.measured);
    assert.match(behaviour.results[1], /hangs/);
  });

  it('says "not measured" for code it cannot load as CommonJS, and for tests without literal calls', async () => {
    const esm = 'export function page(items, start, size) {\n  return items.slice(start, start + size - 1);\n}\n';
    const dir = makeProject({ 'src/page.js': esm, 'test/page.test.js': TESTS });
    const behaviour = await measureBehaviour(input(dir, 'src/page.js', [esm, esm.replace(' - 1', '')]));
    assert.deepEqual(behaviour.measured, false);
    assert.match(!behaviour.measured ? behaviour.reason : '', /does not load as CommonJS/);
    const ts = await measureBehaviour(input(dir, 'src/page.ts', [esm]));
    assert.deepEqual(ts, { measured: false, reason: '.ts files are not probed' });
    fs.writeFileSync(path.join(dir, 'test/page.test.js'), "const items = [1];\ntest('x', () => page(items, 0, 1));\n");
    assert.deepEqual(await measureBehaviour(input(dir, 'src/page.js', [PAGE])), { measured: false, reason: 'the tests make no call with literal arguments' });
  });
});
