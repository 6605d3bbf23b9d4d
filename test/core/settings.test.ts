import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY } from '../../src/core/policy';
import { PLAIN_SETTING_KEYS, readWorkspaceSettings, Settings, validateSettings } from '../../src/core/settings';
import { tempDir } from '../helpers/repo';

describe('settings: one schema for every host', () => {
  it('holds the plain settings, the policy and the LLM section, each with its defaults', () => {
    const defaults = Settings.parse({});
    assert.deepEqual(Object.keys(defaults).sort(), [...PLAIN_SETTING_KEYS, 'llm', 'policy'].sort());
    assert.deepEqual(defaults.policy, DEFAULT_POLICY);
    assert.equal(defaults.llm.enabled, false, 'the LLM stays off unless enabled');
  });

  it('validates every part in one pass, replacing each invalid value by its default and saying which', () => {
    const { settings, problems, policyNamesDefault } = validateSettings({
      mode: 'sometimes',
      maxCandidates: 50,
      policy: { default: 'review', classes: { 'code-bug': 'never' } },
      llm: { model: 'm', maxAttempts: 0 },
    });
    assert.equal(settings.mode, 'suggest');
    assert.equal(settings.maxCandidates, 50);
    assert.equal(settings.policy.default, 'review');
    assert.deepEqual(settings.policy.classes, {});
    assert.equal(settings.llm.model, 'm');
    assert.equal(settings.llm.maxAttempts, 3);
    assert.equal(policyNamesDefault, true);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /selfHeal\.mode: .*sometimes/);
    assert.match(problems.join('\n'), /selfHeal\.policy\.classes\.code-bug: expected one of/);
    assert.match(problems.join('\n'), /selfHeal\.llm\.maxAttempts: .*\(got 0\)/);
  });

  it("reads all of it from a workspace as the CLI does, the team's .self-heal.json policy first", async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.writeFileSync(
      path.join(dir, '.vscode', 'settings.json'),
      '{\n  "selfHeal.testCommand": "npm run unit", // JSONC\n  "selfHeal.llm.model": "qwen",\n  "selfHeal.policy": { "default": "off" },\n}\n',
    );
    fs.writeFileSync(path.join(dir, '.self-heal.json'), '{ "policy": { "neverEdit": ["migrations/**"] } }\n');
    const { settings, problems, policySource } = await readWorkspaceSettings(dir);
    assert.deepEqual(problems, []);
    assert.equal(settings.testCommand, 'npm run unit');
    assert.equal(settings.llm.model, 'qwen');
    assert.equal(policySource, '.self-heal.json');
    assert.deepEqual(settings.policy.neverEdit, ['migrations/**']);
    assert.equal(settings.policy.default, 'suggest', "the editor's policy does not mix into the team's");
  });
});
