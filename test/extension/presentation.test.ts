import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ago, evidenceDetail, fixTitle, healSummary } from '../../src/extension/presentation';

const evidence = { targeted: { passed: 1, total: 1 }, suite: { passed: 12, total: 12, newlyFailing: [] } };

describe('presentation', () => {
  it('titles a verified fix with the suite evidence', () => {
    assert.equal(fixTitle('replace - with +', evidence), 'Self-Heal: replace - with + (✓ 12/12 tests)');
    assert.equal(evidenceDetail(evidence), 'fixes 1/1 failing test; 12/12 tests pass in the sandbox');
  });

  it('summarizes a heal session in one sentence', () => {
    const run = { outcomes: [], failures: [], exitCode: 1, timedOut: false, ms: 1, output: '' };
    const heal = { fix: {} } as never;
    assert.equal(healSummary({ baseline: { passed: 3, failed: 0, run }, heals: [], ms: 900 }, 0), 'Self-Heal: all 3 tests pass; nothing to heal.');
    assert.equal(healSummary({ baseline: { passed: 1, failed: 1, run }, heals: [heal], ms: 4200 }, 0), 'Self-Heal: 1 verified fix for 1 failing test (4.2s).');
    assert.equal(healSummary({ baseline: { passed: 1, failed: 2, run }, heals: [heal, heal], ms: 4200 }, 2), 'Self-Heal: applied 2 of 2 verified fixes for 2 failing tests (4.2s).');
    assert.equal(
      healSummary({ baseline: { passed: 1, failed: 1, run }, heals: [{ reason: 'No verified fix among 3 candidate(s)' } as never], ms: 1000 }, 0),
      'Self-Heal: no verified fix for 1 failing test (1.0s): No verified fix among 3 candidate(s)',
    );
  });

  it('says how long ago in coarse words', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(ago('2026-01-01T11:59:30Z', now), 'just now');
    assert.equal(ago('2026-01-01T11:30:00Z', now), '30 min ago');
    assert.equal(ago('2025-12-31T12:00:00Z', now), '24 h ago');
    assert.equal(ago('2025-12-25T12:00:00Z', now), '7 days ago');
  });
});
