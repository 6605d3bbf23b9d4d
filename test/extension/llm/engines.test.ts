import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmSettings } from '../../../src/core/healing/llm/settings';
import type { HealRecord } from '../../../src/core/model';
import { silentLog } from '../../../src/core/ports';
import { planEngines, type EngineDeps } from '../../../src/extension/llm/engines';

const core = () => import('../../../src/core/healing/llm/settings');
const pastHeal = { id: 'h1', kind: 'apply' } as HealRecord;

function deps(settings: Partial<LlmSettings>, keys: Record<string, string> = {}): EngineDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    settings: async () => LlmSettings.parse(settings),
    apiKey: async (baseUrl) => {
      calls.push(`key ${baseUrl}`);
      return keys[baseUrl];
    },
    records: async () => {
      calls.push('records');
      return [pastHeal];
    },
    load: async () => {
      calls.push('load');
      return core();
    },
    log: silentLog,
  };
}

describe('engine plan', () => {
  it('is offline only while selfHeal.llm.enabled is off, touching neither the key, the ledger nor the openai client', async () => {
    const d = deps({ model: 'gpt-4.1-mini' });
    const plan = await planEngines(d);
    assert.deepEqual(plan.options, { engines: ['mutation'] });
    assert.equal(plan.unusable, undefined);
    assert.deepEqual(d.calls, []);
  });

  it('runs offline first, then the LLM, with its attempts, excludes and the past heals from the ledger', async () => {
    const d = deps({ enabled: true, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder:7b', localOnly: true, maxAttempts: 2, exclude: ['secret/**'] });
    const plan = await planEngines(d);
    assert.deepEqual(plan.options.engines, ['mutation', 'llm']);
    assert.equal(typeof plan.options.llm?.complete, 'function');
    assert.equal(plan.options.llmMaxAttempts, 2);
    assert.deepEqual(plan.options.llmExclude, ['secret/**']);
    assert.deepEqual(plan.options.pastHeals, [pastHeal]);
    assert.equal(plan.describe, 'offline, then the LLM qwen2.5-coder:7b at http://127.0.0.1:11434/v1 (local only)');
  });

  it('asks SecretStorage for the key of the configured endpoint', async () => {
    const d = deps({ enabled: true, model: 'gpt-4.1-mini' }, { 'https://api.openai.com/v1': 'sk-stored' });
    const plan = await planEngines(d);
    assert.deepEqual(plan.options.engines, ['mutation', 'llm']);
    assert.ok(d.calls.includes('key https://api.openai.com/v1'));
  });

  it('heals offline and says how to fix it when the LLM is enabled but unusable', async () => {
    const cases: Array<[Partial<LlmSettings>, RegExp]> = [
      [{ enabled: true }, /^No LLM model is set\. Set selfHeal\.llm\.model/],
      [{ enabled: true, model: 'gpt-4.1-mini' }, /needs an API key: run "Self-Heal: Set API Key"/],
      [{ enabled: true, model: 'gpt-4.1-mini', localOnly: true }, /^Local-only mode refuses https:\/\/api\.openai\.com/],
    ];
    for (const [settings, reason] of cases) {
      const d = deps(settings);
      const plan = await planEngines(d);
      assert.deepEqual(plan.options, { engines: ['mutation'] }, JSON.stringify(settings));
      assert.match(plan.unusable ?? '', reason);
      assert.ok(!d.calls.includes('records'), 'the ledger is read only for an LLM that runs');
    }
  });
});
