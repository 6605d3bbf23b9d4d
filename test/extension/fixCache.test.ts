import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealOutcome } from '../../src/core/api';
import type { Failure } from '../../src/core/model';
import { FixCache, GONE } from '../../src/extension/fixCache';

const failure = (id: string): Failure => ({ id, name: id, message: 'boom', stack: [], source: 'terminal', runner: 'node' });
const evidence = { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } };
const outcome = (id: string, failures: Failure[], fixed: boolean): HealOutcome => ({
  id,
  failures,
  diagnosis: { failures, class: 'code-bug', evidence: [], locations: [] },
  fix: fixed
    ? {
        candidate: { id: 'c', engine: 'mutation', operator: 'op', summary: 'fix', edits: [], cost: 1, editsTests: false },
        evidence,
        diff: '',
        before: {},
        after: {},
      }
    : undefined,
  reason: fixed ? undefined : 'no candidate passed',
  tried: [],
  candidatesTried: 1,
  testRuns: 1,
  ms: 1,
});

describe('fix cache', () => {
  it('tracks a failure from searching to verified, and tells listeners', () => {
    const cache = new FixCache();
    let changes = 0;
    cache.onDidChange(() => changes++);
    cache.searching(['a']);
    assert.deepEqual(cache.state('a'), { state: 'searching' });
    cache.record([outcome('h1', [failure('a')], true)], ['a']);
    assert.deepEqual(cache.state('a'), { state: 'verified', outcomeIds: ['h1'] });
    assert.equal(cache.outcome('h1')?.id, 'h1');
    assert.equal(changes, 2);
  });

  it('keeps the reason when nothing was verified, and settles failures the sandbox did not reproduce', () => {
    const cache = new FixCache();
    cache.searching(['a', 'b']);
    cache.record([outcome('h1', [failure('a')], false)], ['a', 'b']);
    assert.deepEqual(cache.state('a'), { state: 'unfixed', reason: 'no candidate passed' });
    assert.equal(cache.state('b')?.state, 'unfixed');
  });

  it('keeps offering a verified fix while a new search runs', () => {
    const cache = new FixCache();
    cache.record([outcome('h1', [failure('a')], true)]);
    cache.searching(['a']);
    assert.equal(cache.state('a')?.state, 'verified');
  });

  it('forgets an applied or discarded fix and its failure', () => {
    const cache = new FixCache();
    cache.record([outcome('h1', [failure('a')], true), outcome('h2', [failure('a')], true)]);
    assert.deepEqual(cache.state('a'), { state: 'verified', outcomeIds: ['h2', 'h1'] });
    cache.remove('h2');
    assert.deepEqual(cache.state('a'), { state: 'verified', outcomeIds: ['h1'] });
    cache.remove('h1');
    assert.equal(cache.state('a'), undefined);
    assert.deepEqual(cache.verified(), []);
  });

  it('drops in-flight marks when a search is abandoned', () => {
    const cache = new FixCache();
    cache.searching(['a']);
    cache.abandon(['a']);
    assert.equal(cache.state('a'), undefined);
  });

  it('remembers a failure whose fix the policy turned off, until the policy changes', () => {
    const cache = new FixCache();
    cache.searching(['a', 'b']);
    const off = { ...outcome('h1', [failure('a')], false), reason: 'selfHeal.policy.classes["code-bug"] is off, so Self-Heal does not offer its fix' };
    cache.record([off, outcome('h2', [failure('b')], false)], ['a', 'b'], ['h1']);
    assert.deepEqual(cache.state('a'), { state: 'off', reason: off.reason });
    assert.equal(cache.state('b')?.state, 'unfixed', 'only the outcomes named off');
    assert.deepEqual(cache.verified(), []);
    cache.forgetOff();
    assert.equal(cache.state('a'), undefined);
    assert.equal(cache.state('b')?.state, 'unfixed');
  });

  it('says why an outcome is no longer on offer: applied, discarded, tests passed, or replaced', () => {
    const cache = new FixCache();
    cache.record([outcome('h1', [failure('a')], true), outcome('h2', [failure('b')], true), outcome('h3', [failure('c')], true)]);
    cache.remove('h1', GONE.applied);
    cache.remove('h2');
    cache.clear();
    assert.equal(cache.whyGone('h1'), GONE.applied);
    assert.equal(cache.whyGone('h2'), GONE.replaced);
    assert.equal(cache.whyGone('h3'), GONE.passed);
    assert.equal(cache.whyGone('never'), undefined);
  });

  it('offers an applied outcome again when its heal is undone', () => {
    const cache = new FixCache();
    const h1 = outcome('h1', [failure('a')], true);
    cache.record([h1]);
    cache.remove('h1', GONE.applied);
    cache.restore(h1);
    assert.equal(cache.outcome('h1'), h1);
    assert.deepEqual(cache.state('a'), { state: 'verified', outcomeIds: ['h1'] });
    assert.equal(cache.whyGone('h1'), undefined);
  });
});
