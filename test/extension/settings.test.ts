import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingKeys, SettingsReader } from '../../src/extension/settings';

const reader = (values: Record<string, unknown>, warnings: string[] = []): SettingsReader => new SettingsReader((key) => values[key], (message) => warnings.push(message));

describe('extension settings', () => {
  it('reads the settings the issues name (selfHeal.policy and selfHeal.llm.* have readers of their own)', () => {
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
});
