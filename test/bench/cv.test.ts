/** Cross-validation of the engine's priors (bench/cv): folds fixed by id, and a fit that sees only its training cases. */
import assert from 'node:assert';
import { describe, it } from 'node:test';
import { countKinds, fitPriors, sumCounts, type KindCounts } from '../../bench/cv/fit';
import { foldOf, folds } from '../../bench/cv/folds';
import type { BenchCase } from '../../bench/runCase';
import { PRIOR_KEYS, type PriorKey } from '../../src/core/healing/mutation/priors';

const counts = (entries: Partial<Record<PriorKey, [hits: number, proposals: number]>>): KindCounts => {
  const zero = (): Record<PriorKey, number> => Object.fromEntries(PRIOR_KEYS.map((k) => [k, 0])) as Record<PriorKey, number>;
  const out = { proposals: zero(), hits: zero(), lookalikes: zero() };
  for (const [k, [hits, proposals]] of Object.entries(entries) as Array<[PriorKey, [number, number]]>) {
    out.hits[k] = hits;
    out.proposals[k] = proposals;
  }
  return out;
};

function moduleCase(buggy: string, reference: string, driver: string): BenchCase {
  const wrap = (body: string): string => `function f(a, b) {\n${body}\n}\nmodule.exports = { f };\n`;
  return {
    id: 'T/1',
    suite: 'test',
    bugType: 'operator misuse',
    files: { 'src/f.js': wrap(buggy) },
    packages: [],
    target: 'src/f.js',
    references: [wrap(reference)],
    driver,
    entries: ['f'],
  };
}

describe('cross-validation folds', () => {
  it('puts a task in the fold of its number modulo k, the same on every run', () => {
    assert.strictEqual(foldOf('JavaScript/37', 5), 2);
    assert.strictEqual(foldOf('JavaScript/40', 5), 0);
    assert.strictEqual(foldOf('no-number-here', 5), foldOf('no-number-here', 5));
    assert.ok(foldOf('no-number-here', 5) >= 0 && foldOf('no-number-here', 5) < 5);
  });

  it('holds every item out exactly once', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `JavaScript/${i * 3}`);
    const parts = folds(ids, (id) => id, 5);
    assert.strictEqual(parts.length, 5);
    assert.deepStrictEqual(parts.flat().sort(), [...ids].sort());
  });
});

describe('fitting the priors', () => {
  it('tries first the kinds whose edits were the fix most often per proposal', () => {
    const priors = fitPriors(counts({ boundary: [10, 100], identifier: [10, 1000], literal: [1, 1000] }));
    assert.ok(priors.boundary < priors.identifier);
    assert.ok(priors.identifier < priors.literal);
  });

  it('keeps a kind with little evidence near the pooled rate, so one lucky hit does not put it first', () => {
    const priors = fitPriors(counts({ boundary: [20, 200], branchSwap: [1, 1], identifier: [5, 2000] }));
    assert.ok(priors.boundary < priors.branchSwap, 'one hit in one proposal is weaker evidence than 20 in 200');
  });

  it('gives every kind the same cost when nothing was ever a fix', () => {
    const priors = fitPriors(counts({ boundary: [0, 50], literal: [0, 500] }));
    assert.strictEqual(new Set(PRIOR_KEYS.map((k) => priors[k])).size, 1);
  });

  it('adds up the counts of the training cases', () => {
    const total = sumCounts([counts({ operator: [1, 10] }), counts({ operator: [2, 5], literal: [0, 7] })]);
    assert.strictEqual(total.hits.operator, 3);
    assert.strictEqual(total.proposals.operator, 15);
    assert.strictEqual(total.proposals.literal, 7);
  });

  it('counts an edit as a hit when it behaves like the reference, and as a lookalike when it only passes the tested inputs', async () => {
    // The test only calls f(2, 2), where `a * b` and `a + b` agree; the reference is `a + b`.
    const c = moduleCase('  return a - b;', '  return a + b;', 'f(2, 2); f(3, 1);');
    const kinds = await countKinds(c);
    assert.ok(kinds.hits.operator >= 1, '`-` → `+` is the fix');
    assert.ok(kinds.proposals.operator > kinds.hits.operator);
    const lookalike = await countKinds(moduleCase('  return a - b;', '  return a + b;', 'f(2, 2);'));
    assert.ok(lookalike.lookalikes.operator >= 1, '`-` → `*` passes f(2, 2) but not its neighbours');
  });
});
