import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LlmSettingsReader } from '../../../src/extension/llm/settings';
import { SettingsReader } from '../../../src/extension/settings';
import { REPO_ROOT } from '../../helpers/repo';

/** selfHeal.llm.* set to `values` (keys without the prefix), read through the one settings reader. */
function reader(values: Record<string, unknown>, warnings: string[] = []): LlmSettingsReader {
  return new LlmSettingsReader(
    new SettingsReader(
      (key) => (key === 'llm' ? values : undefined),
      (message) => warnings.push(message),
    ),
  );
}

/** Every module a source file reaches through its static imports (relative ones followed), and the packages it names. */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const [, kind, spec] of text.matchAll(/^(import|export)(?! type)[^'"]*from '([^']+)'/gm)) {
    if (kind && !spec.startsWith('.')) seen.add(spec);
    else if (spec.startsWith('.')) importClosure(path.resolve(path.dirname(file), spec) + '.ts', seen);
  }
  return seen;
}

describe('selfHeal.llm.* settings', () => {
  it('defaults to off, OpenAI, three attempts and nothing excluded', async () => {
    assert.deepEqual(await reader({}).get(), {
      enabled: false,
      baseUrl: 'https://api.openai.com/v1',
      model: '',
      maxAttempts: 3,
      localOnly: false,
      exclude: [],
      timeoutSeconds: 60,
    });
  });

  it('is validated without the openai client: the settings schema does not import it', () => {
    const reached = importClosure(path.join(REPO_ROOT, 'src/core/settings.ts'));
    assert.ok(reached.has('zod'), 'the closure is read (zod is there)');
    assert.ok(![...reached].some((m) => m === 'openai' || m.endsWith('openaiLlm.ts')), [...reached].join('\n'));
  });

  it('falls back per field and warns with the setting name, keeping the valid ones', async () => {
    const warnings: string[] = [];
    const read = await reader({ enabled: true, maxAttempts: 0, exclude: ['secret/**', 7], model: 'qwen2.5-coder:7b' }, warnings).get();
    assert.deepEqual(
      { enabled: read.enabled, maxAttempts: read.maxAttempts, exclude: read.exclude, model: read.model },
      { enabled: true, maxAttempts: 3, exclude: [], model: 'qwen2.5-coder:7b' },
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^Self-Heal: invalid setting selfHeal\.llm\.maxAttempts: .*\(got 0\); using the default\. Fix it in Settings/);
    assert.match(warnings[1]!, /^Self-Heal: invalid setting selfHeal\.llm\.exclude: .*\["secret\/\*\*",7\]/);
  });

  it('is cached until invalidate(), and warns once per distinct problem', async () => {
    const values: Record<string, unknown> = { timeoutSeconds: -1 };
    const warnings: string[] = [];
    const settings = reader(values, warnings);
    assert.equal((await settings.get()).timeoutSeconds, 60);
    values.timeoutSeconds = 5;
    assert.equal((await settings.get()).timeoutSeconds, 60, 'cached');
    values.timeoutSeconds = -1;
    settings.invalidate();
    await settings.get();
    assert.equal(warnings.length, 1);
    values.timeoutSeconds = 5;
    settings.invalidate();
    assert.equal((await settings.get()).timeoutSeconds, 5);
  });
});
