import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Guard, type GuardState } from '../../src/extension/guard';

const guard = (state: GuardState): Guard => new Guard(() => state);

describe('guard', () => {
  it('never runs tests in an untrusted workspace, and says how to trust it', () => {
    const refusal = guard({ trusted: false, mode: 'autoApply' }).mayRunTests();
    assert.equal(refusal.allowed, false);
    assert.match((refusal as { reason: string }).reason, /Manage Workspace Trust/);
    assert.equal(guard({ trusted: false, mode: 'autoApply' }).mayAutoApply, false);
  });

  it('is silent when mode is off, even when trusted', () => {
    const off = guard({ trusted: true, mode: 'off' });
    assert.equal(off.listening, false);
    assert.equal(off.mayRunTests().allowed, false);
    assert.equal(off.mayAutoApply, false);
  });

  it('runs tests when trusted and not off, and leaves auto-applying each fix to the policy', () => {
    assert.deepEqual(guard({ trusted: true, mode: 'suggest' }).mayRunTests(), { allowed: true });
    // selfHeal.policy can auto-apply a class in suggest mode; policy.ts decides per fix.
    assert.equal(guard({ trusted: true, mode: 'suggest' }).mayAutoApply, true);
    assert.equal(guard({ trusted: true, mode: 'autoApply' }).mayAutoApply, true);
  });

  it('reads the state on every question, so a settings change takes effect at once', () => {
    const state: GuardState = { trusted: true, mode: 'suggest' };
    const live = new Guard(() => state);
    assert.equal(live.listening, true);
    state.mode = 'off';
    assert.equal(live.listening, false);
  });
});
