/**
 * LLM API keys live in VS Code's SecretStorage (the OS keychain), never in settings, and each is
 * stored for one endpoint origin. A workspace's own .vscode/settings.json can point
 * selfHeal.llm.baseUrl anywhere, so a key entered for https://api.openai.com must never be sent
 * to another host just because a setting changed. Free of 'vscode' imports for the unit tests.
 */
import type * as vscode from 'vscode';

export type Secrets = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete' | 'keys'>;

const PREFIX = 'selfHeal.apiKey:';

/** `https://api.openai.com` for `https://api.openai.com/v1`; undefined when not an http(s) URL. */
export function endpointOrigin(baseUrl: string): string | undefined {
  try {
    const url = new URL(baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export class ApiKeys {
  constructor(private readonly secrets: Secrets) {}

  /** The key stored for the origin of `baseUrl`, if any. */
  async get(baseUrl: string): Promise<string | undefined> {
    const origin = endpointOrigin(baseUrl);
    return origin ? ((await this.secrets.get(PREFIX + origin)) ?? undefined) : undefined;
  }

  /** Store `key` for the origin of `baseUrl`; resolves to that origin. */
  async set(baseUrl: string, key: string): Promise<string> {
    const origin = endpointOrigin(baseUrl);
    if (!origin) throw new Error(`"${baseUrl}" is not an http(s) URL`);
    await this.secrets.store(PREFIX + origin, key);
    return origin;
  }

  async clear(origin: string): Promise<void> {
    await this.secrets.delete(PREFIX + origin);
  }

  /** The origins that have a key, sorted. */
  async origins(): Promise<string[]> {
    return (await this.secrets.keys())
      .filter((name) => name.startsWith(PREFIX))
      .map((name) => name.slice(PREFIX.length))
      .sort();
  }
}
