import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { createOpenAiLlm, isLoopbackUrl } from '../../../../src/core/healing/llm/openaiLlm';
import { SelfHealError } from '../../../../src/core/model';
import type { Log } from '../../../../src/core/ports';
import { startScriptedServer, type Scripted, type ScriptedServer } from './scriptedServer';

const servers: ScriptedServer[] = [];
async function server(...script: Scripted[]): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  servers.push(s);
  return s;
}
after(() => Promise.all(servers.map((s) => s.close())));

const fast = { backoffMs: 10, maxBackoffMs: 50, timeoutMs: 2000 };
const isCode = (code: string, pattern: RegExp) => (e: unknown) => e instanceof SelfHealError && e.code === code && pattern.test(e.message);

/** A log port that keeps its info lines (the retries are logged there) and lets a test react to one. */
function recordingLog(onInfo: (line: string) => void = () => undefined): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => undefined, warn: () => undefined, error: () => undefined, info: (line) => (lines.push(line), onInfo(line)) };
}

describe('createOpenAiLlm', () => {
  it('sends the model, both messages and the key, and returns the text with the usage the API reported', async () => {
    const s = await server({ content: 'hello', usage: { prompt_tokens: 321, completion_tokens: 7 } });
    const llm = createOpenAiLlm({ ...fast, baseUrl: s.url, model: 'tiny-coder', apiKey: 'test-key-123' });
    const reply = await llm.complete({ system: 'be brief', user: 'fix it' });
    assert.deepEqual(reply, { text: 'hello', usage: { input: 321, output: 7 } });
    assert.equal(s.requests[0].body.model, 'tiny-coder');
    assert.deepEqual(s.requests[0].body.messages, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'fix it' },
    ]);
    assert.equal(s.requests[0].headers.authorization, 'Bearer test-key-123');
  });

  it('retries a 429 with backoff, honouring Retry-After, then succeeds', async () => {
    const s = await server({ status: 429, headers: { 'retry-after-ms': '200' } }, { status: 429 }, { content: 'ok' });
    const log = recordingLog();
    const reply = await createOpenAiLlm({ ...fast, maxBackoffMs: 1000, baseUrl: s.url, model: 'm', log }).complete({ system: 's', user: 'u' });
    assert.equal(reply.text, 'ok');
    assert.equal(s.requests.length, 3);
    // The server's 200 ms, not the 10 ms backoff; then the backoff (about 20 ms) where the server named none.
    assert.deepEqual(
      log.lines.map((l) => /retry (\d\/\d) in ([\d.]+) s/.exec(l)?.slice(1).join(' in ')),
      ['1/3 in 0.2', '2/3 in 0.0'],
    );
  });

  it('gives up on a persistent 500 after its retries, saying what failed', async () => {
    const s = await server({ status: 500 }, { status: 502 }, { status: 500, message: 'model crashed' });
    const llm = createOpenAiLlm({ ...fast, baseUrl: s.url, model: 'm', maxRetries: 2 });
    await assert.rejects(llm.complete({ system: 's', user: 'u' }), isCode('LLM', /server error \(500: model crashed\) after 3 tries/));
    assert.equal(s.requests.length, 3);
  });

  it('does not retry a 401 and names the fix', async () => {
    const s = await server({ status: 401, message: 'bad key' }, { content: 'never reached' });
    await assert.rejects(
      createOpenAiLlm({ ...fast, baseUrl: s.url, model: 'm' }).complete({ system: 's', user: 'u' }),
      isCode('LLM', /refused the API key.*SELF_HEAL_API_KEY/),
    );
    assert.equal(s.requests.length, 1);
  });

  it('times out a server that does not answer, without retrying', async () => {
    const s = await server({ hang: true }, { content: 'too late' });
    // The server never answers: only the 150 ms timeout can end this call, and the message names it.
    await assert.rejects(
      createOpenAiLlm({ ...fast, baseUrl: s.url, model: 'm', timeoutMs: 150 }).complete({ system: 's', user: 'u' }),
      isCode('LLM', /did not answer within 0\.2 s/),
    );
    assert.equal(s.requests.length, 1);
  });

  it('stops at once when the AbortSignal fires, during the request or during a backoff', async () => {
    const s = await server({ hang: true }, { status: 503 }, { content: 'never reached' });
    const second = new AbortController();
    // Cancel exactly when the 10 s backoff starts (the retry is logged just before it).
    const log = recordingLog((line) => /retry 1\//.test(line) && second.abort());
    const llm = createOpenAiLlm({ baseUrl: s.url, model: 'm', timeoutMs: 10_000, backoffMs: 10_000, log });
    const controller = new AbortController();
    const waiting = setInterval(() => s.requests.length > 0 && controller.abort(), 10);
    await assert.rejects(llm.complete({ system: 's', user: 'u', signal: controller.signal }), isCode('CANCELLED', /Cancelled/));
    clearInterval(waiting);
    await assert.rejects(llm.complete({ system: 's', user: 'u', signal: second.signal }), isCode('CANCELLED', /Cancelled while waiting to retry/));
    assert.equal(s.requests.length, 2, 'no request after the cancelled backoff');
  });

  it('reports a server that is not running', async () => {
    const s = await server();
    await s.close();
    await assert.rejects(
      createOpenAiLlm({ ...fast, baseUrl: s.url, model: 'm', maxRetries: 1 }).complete({ system: 's', user: 'u' }),
      isCode('LLM', /Could not reach the LLM .* after 2 tries .*Is the server running/),
    );
  });

  it('refuses a non-loopback endpoint in local-only mode', () => {
    assert.throws(
      () => createOpenAiLlm({ baseUrl: 'https://api.openai.com/v1', model: 'm', localOnly: true }),
      isCode('BAD_INPUT', /Local-only mode refuses https:\/\/api\.openai\.com/),
    );
    assert.doesNotThrow(() => createOpenAiLlm({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', localOnly: true }));
    assert.deepEqual(
      ['http://localhost:1234/v1', 'http://[::1]:8080/v1', 'http://127.1.2.3/v1', 'http://10.0.0.5/v1', 'http://localhost.evil.com/v1', 'not a url'].map(
        isLoopbackUrl,
      ),
      [true, true, true, false, false, false],
    );
  });
});
