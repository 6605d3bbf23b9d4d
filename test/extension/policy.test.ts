import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GuardReport } from '../../src/core/model';
import { WEAKLY_TESTED } from '../../src/core/labels';
import { fixLabels, NEEDS_REVIEW, PolicyReader, type PolicySetting, TEST_EDIT, triage, WEAKENS } from '../../src/extension/policy';
import { SettingsReader } from '../../src/extension/settings';
import { outcome } from '../helpers/outcome';

/** selfHeal.policy set to `raw`, read through the one settings reader as the extension does. */
const reader = (raw: unknown, warnings: string[] = []): PolicyReader =>
  new PolicyReader(
    new SettingsReader(
      (key) => (key === 'policy' ? raw : undefined),
      (message) => warnings.push(message),
    ),
  );
const setting = (raw: unknown): PolicySetting => {
  const warnings: string[] = [];
  const result = reader(raw, warnings).get();
  assert.deepEqual(warnings, [], 'the policy used by this test is valid');
  return result;
};

const killed: GuardReport = { guard: 'mutation', findings: [], mutants: { total: 4, ran: 4, killed: 3 } };
const survived: GuardReport = {
  guard: 'mutation',
  label: WEAKLY_TESTED,
  findings: ['no mutant of the changed lines was killed'],
  mutants: { total: 2, ran: 2, killed: 0 },
};
const weakening: GuardReport = { guard: 'test-weakening', label: WEAKENS, findings: ['removed the assertion `assert.strictEqual(add(2, 3), 5)`'] };
/** The off-by-one heal, with a mutation guard that clears the default floor. */
const guarded = outcome({ evidence: { guards: [killed] } });
const weakensTests = outcome({
  fix: { engine: 'llm', editsTests: true, labels: [WEAKENS], edits: [{ file: 'test/range.test.js', start: 0, end: 1, newText: '' }] },
  evidence: { guards: [weakening] },
});

describe('extension policy', () => {
  describe('reading selfHeal.policy', () => {
    it('uses the conservative defaults when nothing is set: suggest everything, auto-apply nothing', () => {
      const { policy, namesDefault } = setting(undefined);
      assert.equal(policy.default, 'suggest');
      assert.deepEqual(policy.classes, {});
      assert.equal(namesDefault, false);
      assert.equal(triage({ policy, namesDefault }, 'suggest', guarded).mode, 'suggest');
    });

    it('keeps the valid parts, and warns once per invalid part with the setting named and what to do', () => {
      const warnings: string[] = [];
      const policy = reader({ classes: { 'code-bug': 'always', flaky: 'off' }, autoApplyFloor: { minSuiteTests: -1 } }, warnings);
      assert.deepEqual(policy.get().policy.classes, { flaky: 'off' });
      assert.equal(policy.get().policy.autoApplyFloor.minSuiteTests, 3);
      policy.invalidate();
      policy.get();
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.match(
        warnings[0]!,
        /^Self-Heal: invalid setting selfHeal\.policy\.classes\.code-bug: expected one of off \| suggest \| review \| autoApply \(got "always"\); using the default for code-bug\. Fix it in Settings/,
      );
      assert.match(warnings[1]!, /selfHeal\.policy\.autoApplyFloor\.minSuiteTests/);
    });

    it('falls back to the defaults when the value is not an object', () => {
      const warnings: string[] = [];
      assert.equal(reader('autoApply', warnings).get().policy.default, 'suggest');
      assert.match(warnings[0]!, /selfHeal\.policy must be an object/);
    });

    it('rereads the configuration only after invalidate()', () => {
      const raw: { classes: Record<string, string> } = { classes: { 'code-bug': 'off' } };
      const policy = reader(raw);
      assert.deepEqual(policy.get().policy.classes, { 'code-bug': 'off' });
      raw.classes = { 'code-bug': 'review' };
      assert.deepEqual(policy.get().policy.classes, { 'code-bug': 'off' }, 'cached until the configuration changes');
      policy.invalidate();
      assert.deepEqual(policy.get().policy.classes, { 'code-bug': 'review' });
    });
  });

  describe('triage of a verified fix', () => {
    it('hides the fix of a class that is off', () => {
      const result = triage(setting({ classes: { 'code-bug': 'off' } }), 'suggest', guarded);
      assert.equal(result.mode, 'off');
      assert.equal(result.autoApply, false);
      assert.deepEqual(result.reasons, ['selfHeal.policy.classes["code-bug"] is off']);
    });

    it('marks a review class "needs review" and never auto-applies it, even in autoApply mode', () => {
      for (const mode of ['suggest', 'autoApply'] as const) {
        const result = triage(setting({ classes: { 'code-bug': 'review' } }), mode, guarded);
        assert.equal(result.mode, 'review', mode);
        assert.deepEqual(result.notes, [NEEDS_REVIEW]);
        assert.equal(result.autoApply, false, mode);
      }
    });

    it('auto-applies an autoApply class only when the fix clears the floor, and says what it lacked otherwise', () => {
      const floorMet = triage(setting({ classes: { 'code-bug': 'autoApply' } }), 'suggest', guarded);
      assert.equal(floorMet.autoApply, true);
      assert.deepEqual(floorMet.reasons, ['selfHeal.policy.classes["code-bug"] is autoApply', 'clears the auto-apply floor']);
      const noGuard = triage(setting({ classes: { 'code-bug': 'autoApply' } }), 'suggest', outcome());
      assert.equal(noGuard.mode, 'suggest');
      assert.equal(noGuard.autoApply, false);
      assert.match(noGuard.reasons.join('\n'), /not auto-applied: no mutation guard ran/);
      const small = triage(setting({ classes: { 'code-bug': 'autoApply' }, autoApplyFloor: { minSuiteTests: 4 } }), 'suggest', guarded);
      assert.equal(small.autoApply, false);
      assert.match(small.reasons.join('\n'), /only 3 passing test\(s\) verified it \(autoApplyFloor\.minSuiteTests is 4\)/);
    });

    it('shows "weakly tested" and does not auto-apply a fix whose mutants all survived', () => {
      const weak = outcome({ fix: { labels: [WEAKLY_TESTED] }, evidence: { guards: [survived] } });
      const result = triage(setting({ default: 'autoApply' }), 'suggest', weak);
      assert.deepEqual(result.notes, [WEAKLY_TESTED]);
      assert.equal(result.autoApply, false);
      assert.match(result.reasons.join('\n'), /weakly tested/);
    });

    it('shows "verified, ambiguous" with the count and never auto-applies it, whatever the policy', () => {
      const ambiguous = outcome({
        evidence: { guards: [killed], confidence: { level: 'ambiguous', alternatives: 1, reasons: ['1 other verified fix passes the tests too'] } },
      });
      for (const mode of ['suggest', 'autoApply'] as const) {
        const result = triage(setting({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false, minSuiteTests: 0 } }), mode, ambiguous);
        assert.deepEqual(result.notes, ['verified, ambiguous: 1 other verified fix passes the tests too']);
        assert.equal(result.autoApply, false, mode);
      }
    });

    it('lets selfHeal.mode = autoApply raise the default of the classes the policy does not name, with the floor still in force', () => {
      const lifted = triage(setting(undefined), 'autoApply', guarded);
      assert.equal(lifted.autoApply, true);
      assert.deepEqual(lifted.reasons, ['selfHeal.mode is autoApply', 'code-bug uses selfHeal.policy.default (autoApply)', 'clears the auto-apply floor']);
      assert.equal(triage(setting(undefined), 'autoApply', outcome()).autoApply, false, 'no mutation guard: below the floor');
      assert.equal(triage(setting({ default: 'suggest' }), 'autoApply', guarded).autoApply, false, "the policy's own default is the more specific setting");
      const named = triage(setting({ classes: { 'code-bug': 'off' } }), 'autoApply', guarded);
      assert.deepEqual([named.mode, named.reasons], ['off', ['selfHeal.policy.classes["code-bug"] is off']], 'a class the policy names keeps its mode');
      const invalidDefault = reader({ default: 'sometimes' }).get();
      assert.equal(invalidDefault.namesDefault, false, 'an invalid default names nothing');
      assert.equal(triage(invalidDefault, 'autoApply', guarded).autoApply, true);
    });

    it('never auto-applies a fix that weakens tests, and asks for confirmation before applying it', () => {
      for (const mode of ['suggest', 'autoApply'] as const) {
        const result = triage(setting({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false } }), mode, weakensTests);
        assert.equal(result.mode, 'review');
        assert.equal(result.autoApply, false);
        assert.equal(result.confirm, true);
        assert.deepEqual(result.notes, [TEST_EDIT, WEAKENS, NEEDS_REVIEW]);
        assert.match(result.reasons.join('\n'), /the test-weakening guard says it weakens tests: a person reviews it first/);
      }
      assert.equal(triage(setting(undefined), 'suggest', guarded).confirm, false);
    });

    it('keeps a neverEdit path from being auto-applied', () => {
      const result = triage(setting({ default: 'autoApply', neverEdit: ['src/**'] }), 'suggest', guarded);
      assert.equal(result.mode, 'review');
      assert.match(result.reasons.join('\n'), /src\/range\.js matches neverEdit "src\/\*\*"/);
    });
  });

  it('labels a fix with its own labels, its guards\' and "test edit" for any edit of a test, once each', () => {
    assert.deepEqual(fixLabels(guarded), []);
    assert.deepEqual(fixLabels(outcome({ fix: { editsTests: true } })), [TEST_EDIT]);
    assert.deepEqual(fixLabels(outcome({ fix: { editsTests: true, labels: [TEST_EDIT, 'snapshot update'] } })), [TEST_EDIT, 'snapshot update']);
    assert.deepEqual(fixLabels(outcome({ evidence: { guards: [survived] } })), [WEAKLY_TESTED], 'a guard label the candidate does not carry');
    assert.deepEqual(fixLabels(outcome({ fix: false })), []);
  });
});
