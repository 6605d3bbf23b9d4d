import { strict as assert } from 'node:assert';
import { parseArgs } from 'node:util';
import { after, describe, it } from 'node:test';
import { LLM_CLI_OPTIONS, llmFromCli } from '../../src/cli/llmOptions';
import { readWorkspaceSettings } from '../../src/core/settings';
import { makeProject } from '../helpers/repo';
import { startScriptedServer, type ScriptedServer } from '../core/healing/llm/scriptedServer';

const flags = (...args: string[]) => parseArgs({ args, options: LLM_CLI_OPTIONS }).values;
const servers: ScriptedServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

describe('llmFromCli', () => {
  it('runs the offline engine only unless the LLM is asked for', () => {
    assert.deepEqual(llmFromCli(flags(), {}), { engines: ['mutation'], maxAttempts: 3, exclude: [], describe: 'engine: offline' });
    const enabled = llmFromCli(flags(), {}, { enabled: true, baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder:7b' });
    assert.ok(typeof enabled !== 'string');
    assert.deepEqual(enabled.engines, ['mutation', 'llm']);
  });

  it('builds an LLM that talks to --base-url with --model and the key from SELF_HEAL_API_KEY', async () => {
    const server = await startScriptedServer([{ content: 'pong' }]);
    servers.push(server);
    const choice = llmFromCli(flags('--engine', 'llm', '--base-url', server.url, '--model', 'local-model', '--llm-attempts', '2'), {
      SELF_HEAL_API_KEY: 'key-from-env',
      OPENAI_API_KEY: 'other',
    });
    assert.ok(typeof choice !== 'string', String(choice));
    assert.deepEqual([choice.engines, choice.maxAttempts, choice.describe], [['llm'], 2, `engine: llm; LLM local-model at ${server.url}`]);
    assert.equal((await choice.llm!.complete({ system: 's', user: 'u' })).text, 'pong');
    assert.equal(server.requests[0].body.model, 'local-model');
    assert.equal(server.requests[0].headers.authorization, 'Bearer key-from-env');
  });

  it('explains what is missing or refused', () => {
    assert.equal(llmFromCli(flags('--engine', 'gpt'), {}), '--engine must be offline, llm or all, got "gpt".');
    assert.match(String(llmFromCli(flags('--engine', 'llm'), {})), /No LLM model is set\. Set --model NAME \(or selfHeal\.llm\.model\)/);
    assert.match(
      String(llmFromCli(flags('--engine', 'llm', '--model', 'gpt-4.1-mini'), {})),
      /https:\/\/api\.openai\.com\/v1 needs an API key: .*SELF_HEAL_API_KEY/,
    );
    assert.match(
      String(llmFromCli(flags('--engine', 'all', '--model', 'm', '--local-only'), { OPENAI_API_KEY: 'k' })),
      /Local-only mode refuses https:\/\/api\.openai\.com/,
    );
    assert.match(String(llmFromCli(flags('--engine', 'llm', '--model', 'm', '--base-url', 'ftp://x'), {})), /must be http or https/);
    assert.equal(llmFromCli(flags('--engine', 'llm', '--llm-attempts', '0'), {}), '--llm-attempts needs a positive whole number, got "0".');
    assert.ok(
      typeof llmFromCli(flags('--engine', 'llm', '--model', 'm', '--base-url', 'http://localhost:1234/v1', '--local-only'), {}) !== 'string',
      'a local server needs no key',
    );
  });

  it('reads selfHeal.llm.* from .vscode/settings.json, reporting invalid values', async () => {
    const dir = makeProject(
      {
        '.vscode/settings.json':
          '{\n  // comments are fine\n  "selfHeal.llm.enabled": true,\n  "selfHeal.llm.model": "llama3.1",\n  "selfHeal.llm.maxAttempts": 0,\n  "selfHeal.llm.exclude": ["secrets/**"],\n}\n',
      },
      { commit: false },
    );
    const { settings: all, problems } = await readWorkspaceSettings(dir);
    const settings = all.llm;
    assert.deepEqual([settings.enabled, settings.model, settings.maxAttempts, settings.exclude], [true, 'llama3.1', 3, ['secrets/**']]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^selfHeal\.llm\.maxAttempts: .* \(got 0\); using the default\.$/);
  });
});
