import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingKeys, SettingsReader } from '../../src/extension/settings';

const reader = (values: Record<string, unknown>, warnings: string[] = []): SettingsReader =>
  new SettingsReader(
    (key) => values[key],
    (message) => warnings.push(message),
  );

describe('extension settings', () => {
  it('reads the plain settings by name (selfHeal.policy and selfHeal.llm.* are read whole, as sections of the same schema)', () => {
    assert.deepEqual([...settingKeys].sort(), ['flakyReruns', 'maxCandidates', 'mode', 'testCommand', 'testTimeoutSeconds']);
  });

  it('uses the defaults when nothing is set', () => {
    const settings = reader({}).get();
    assert.equal(settings.mode, 'suggest');
    assert.equal(settings.testCommand, '');
  });

  it('falls back per field and warns with the setting name, keeping the valid ones', () => {
    const warnings: string[] = [];
    const settings = reader({ mode: 'sometimes', maxCandidates: 5 }, warnings).get();
    assert.equal(settings.mode, 'suggest');
    assert.equal(settings.maxCandidates, 5);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Self-Heal: invalid setting selfHeal\.mode: .*"sometimes".* Fix it in Settings/);
  });

  it('warns once per distinct problem and rereads after invalidate()', () => {
    const values: Record<string, unknown> = { maxCandidates: 0 };
    const warnings: string[] = [];
    const settings = reader(values, warnings);
    const fallback = settings.get().maxCandidates;
    assert.ok(fallback >= 1);
    settings.invalidate();
    settings.get();
    assert.equal(warnings.length, 1);
    values.maxCandidates = 7;
    assert.equal(settings.get().maxCandidates, fallback, 'cached until the configuration changes');
    settings.invalidate();
    assert.equal(settings.get().maxCandidates, 7);
  });

  it('reads the policy and the LLM section with the rest, in one pass, warning about each invalid part once', () => {
    const warnings: string[] = [];
    const settings = reader(
      { mode: 'autoApply', policy: { default: 'review', classes: { 'code-bug': 'never' } }, llm: { model: 'm', maxAttempts: 0 } },
      warnings,
    );
    const read = settings.get();
    assert.equal(read.mode, 'autoApply');
    assert.equal(read.policy.default, 'review');
    assert.equal(read.llm.model, 'm');
    assert.deepEqual(settings.policy(), { policy: read.policy, namesDefault: true });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings.join('\n'), /selfHeal\.policy\.classes\.code-bug/);
    assert.match(warnings.join('\n'), /selfHeal\.llm\.maxAttempts/);
  });
});
