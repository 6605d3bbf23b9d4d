import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmSettingsReader } from '../../../src/extension/llm/settings';

const core = () => import('../../../src/core/healing/llm/settings');

function reader(values: Record<string, unknown>, warnings: string[] = []): { settings: LlmSettingsReader; loads: () => number } {
  let loads = 0;
  const settings = new LlmSettingsReader(
    () => values,
    () => {
      loads++;
      return core();
    },
    (message) => warnings.push(message),
  );
  return { settings, loads: () => loads };
}

describe('selfHeal.llm.* settings', () => {
  it('defaults to off, OpenAI, three attempts and nothing excluded', async () => {
    assert.deepEqual(await reader({}).settings.get(), { enabled: false, baseUrl: 'https://api.openai.com/v1', model: '', maxAttempts: 3, localOnly: false, exclude: [], timeoutSeconds: 60 });
  });

  it('does not load the schema (and the openai client with it) until a value is asked for', async () => {
    const { settings, loads } = reader({ enabled: true });
    assert.equal(loads(), 0);
    assert.equal((await settings.get()).enabled, true);
    assert.equal(loads(), 1);
  });

  it('falls back per field and warns with the setting name, keeping the valid ones', async () => {
    const warnings: string[] = [];
    const { settings } = reader({ enabled: true, maxAttempts: 0, exclude: ['secret/**', 7], model: 'qwen2.5-coder:7b' }, warnings);
    const read = await settings.get();
    assert.deepEqual({ enabled: read.enabled, maxAttempts: read.maxAttempts, exclude: read.exclude, model: read.model }, { enabled: true, maxAttempts: 3, exclude: [], model: 'qwen2.5-coder:7b' });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^Self-Heal: invalid setting selfHeal\.llm\.maxAttempts: .*\(got 0\); using the default\. Fix it in Settings/);
    assert.match(warnings[1]!, /^Self-Heal: invalid setting selfHeal\.llm\.exclude: .*\["secret\/\*\*",7\]/);
  });

  it('is cached until invalidate(), and warns once per distinct problem', async () => {
    const values: Record<string, unknown> = { timeoutSeconds: -1 };
    const warnings: string[] = [];
    const { settings, loads } = reader(values, warnings);
    assert.equal((await settings.get()).timeoutSeconds, 60);
    await settings.get();
    assert.equal(loads(), 1, 'cached');
    settings.invalidate();
    await settings.get();
    assert.equal(warnings.length, 1);
    values.timeoutSeconds = 5;
    settings.invalidate();
    assert.equal((await settings.get()).timeoutSeconds, 5);
  });

  it('tries the load again after it failed', async () => {
    let fail = true;
    const settings = new LlmSettingsReader(
      () => ({}),
      () => (fail ? Promise.reject(new Error('no module')) : core()),
      () => undefined,
    );
    await assert.rejects(settings.get(), /no module/);
    fail = false;
    assert.equal((await settings.get()).enabled, false);
  });
});
