import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeys, endpointOrigin, type Secrets } from '../../../src/extension/llm/apiKeys';

/** SecretStorage as VS Code's in-memory contract: a map from name to value. */
function secrets(): Secrets & { stored: Map<string, string> } {
  const stored = new Map<string, string>();
  return {
    stored,
    get: async (key) => stored.get(key),
    store: async (key, value) => void stored.set(key, value),
    delete: async (key) => void stored.delete(key),
    keys: async () => [...stored.keys()],
  };
}

/** SecretStorage of VS Code 1.93 (the oldest engines.vscode accepts), which has no keys(). */
function secretsWithoutKeys(): Secrets & { stored: Map<string, string> } {
  const { keys: _newer, ...older } = secrets();
  return older;
}

describe('API keys', () => {
  it('names an endpoint by its origin', () => {
    assert.equal(endpointOrigin('https://api.openai.com/v1'), 'https://api.openai.com');
    assert.equal(endpointOrigin('https://my-resource.openai.azure.com/openai/v1/'), 'https://my-resource.openai.azure.com');
    assert.equal(endpointOrigin('http://127.0.0.1:11434/v1'), 'http://127.0.0.1:11434');
    assert.equal(endpointOrigin('file:///etc/passwd'), undefined);
    assert.equal(endpointOrigin('not a url'), undefined);
  });

  it('gives a key only to the endpoint it was stored for, so a changed base URL cannot take it elsewhere', async () => {
    const keys = new ApiKeys(secrets());
    assert.equal(await keys.set('https://api.openai.com/v1', 'sk-openai'), 'https://api.openai.com');
    assert.equal(await keys.get('https://api.openai.com/v1'), 'sk-openai');
    assert.equal(await keys.get('https://api.openai.com/other/path'), 'sk-openai', 'any path on the same origin');
    assert.equal(await keys.get('https://evil.example/v1'), undefined);
    assert.equal(await keys.get('http://api.openai.com/v1'), undefined, 'not over plain http');
    assert.equal(await keys.get('http://127.0.0.1:11434/v1'), undefined);
  });

  it('keeps keys out of settings: each is one secret under a selfHeal name', async () => {
    const store = secrets();
    const keys = new ApiKeys(store);
    await keys.set('https://api.openai.com/v1', 'sk-openai');
    await keys.set('https://res.openai.azure.com/openai/v1', 'azure-key');
    await store.store('something.else', 'x');
    assert.deepEqual([...store.stored.keys()].filter((name) => name.startsWith('selfHeal.')).sort(), [
      'selfHeal.apiKey:https://api.openai.com',
      'selfHeal.apiKey:https://res.openai.azure.com',
      'selfHeal.apiKeyOrigins',
    ]);
    assert.deepEqual(
      JSON.parse(store.stored.get('selfHeal.apiKeyOrigins')!),
      ['https://api.openai.com', 'https://res.openai.azure.com'],
      'the index holds origins only, never a key',
    );
    assert.deepEqual(await keys.origins(), ['https://api.openai.com', 'https://res.openai.azure.com']);
  });

  it('clears the key of one endpoint', async () => {
    const keys = new ApiKeys(secrets());
    await keys.set('https://api.openai.com/v1', 'sk-openai');
    await keys.set('http://localhost:1234/v1', 'lm-studio');
    await keys.clear('https://api.openai.com');
    assert.equal(await keys.get('https://api.openai.com/v1'), undefined);
    assert.deepEqual(await keys.origins(), ['http://localhost:1234']);
  });

  it('lists and clears keys on a VS Code whose SecretStorage has no keys() (1.93)', async () => {
    const keys = new ApiKeys(secretsWithoutKeys());
    await keys.set('https://api.openai.com/v1', 'sk-openai');
    await keys.set('http://localhost:1234/v1', 'lm-studio');
    await keys.set('https://api.openai.com/v2', 'sk-replaced');
    assert.deepEqual(await keys.origins(), ['http://localhost:1234', 'https://api.openai.com']);
    await keys.clear('http://localhost:1234');
    assert.deepEqual(await keys.origins(), ['https://api.openai.com']);
    assert.equal(await keys.get('https://api.openai.com/v1'), 'sk-replaced');
  });

  it('lists keys stored before the origin index existed where keys() is available', async () => {
    const store = secrets();
    await store.store('selfHeal.apiKey:https://api.openai.com', 'sk-older');
    const keys = new ApiKeys(store);
    await keys.set('http://localhost:1234/v1', 'lm-studio');
    assert.deepEqual(await keys.origins(), ['http://localhost:1234', 'https://api.openai.com']);
  });

  it('lists only origins whose key is still there, and survives a damaged index', async () => {
    const store = secretsWithoutKeys();
    const keys = new ApiKeys(store);
    await keys.set('https://api.openai.com/v1', 'sk-openai');
    await store.delete('selfHeal.apiKey:https://api.openai.com');
    assert.deepEqual(await keys.origins(), [], 'deleted elsewhere: not offered for clearing');
    await store.store('selfHeal.apiKeyOrigins', '{not json');
    assert.deepEqual(await keys.origins(), []);
    assert.equal(await keys.set('http://localhost:1234/v1', 'lm-studio'), 'http://localhost:1234');
    assert.deepEqual(await keys.origins(), ['http://localhost:1234'], 'the next key rebuilds the index');
  });

  it('refuses to store a key for something that is not an http(s) endpoint', async () => {
    await assert.rejects(new ApiKeys(secrets()).set('ftp://example.com', 'k'), /not an http\(s\) URL/);
  });
});
