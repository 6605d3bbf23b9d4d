/**
 * LLM API keys live in VS Code's SecretStorage (the OS keychain), never in settings, and each is
 * stored for one endpoint origin. A workspace's own .vscode/settings.json can point
 * selfHeal.llm.baseUrl anywhere, so a key entered for https://api.openai.com must never be sent
 * to another host just because a setting changed. Free of 'vscode' imports for the unit tests.
 */
import type * as vscode from 'vscode';
import { z } from 'zod';

export type Secrets = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'> & {
  /** SecretStorage.keys() came after VS Code 1.93, the oldest release engines.vscode accepts. */
  keys?: () => Thenable<string[]>;
};

const PREFIX = 'selfHeal.apiKey:';
// Where keys() is missing, the origins with a key are found through this list, kept with the keys.
const INDEX = 'selfHeal.apiKeyOrigins';
const OriginIndex = z.array(z.string());

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
    const indexed = await this.indexed();
    if (!indexed.includes(origin)) await this.secrets.store(INDEX, JSON.stringify([...indexed, origin]));
    return origin;
  }

  async clear(origin: string): Promise<void> {
    await this.secrets.delete(PREFIX + origin);
    const indexed = await this.indexed();
    if (indexed.includes(origin)) await this.secrets.store(INDEX, JSON.stringify(indexed.filter((o) => o !== origin)));
  }

  /** The origins that have a key, sorted: from keys() where VS Code has it, else from the index. */
  async origins(): Promise<string[]> {
    // keys() also finds keys stored before the index existed; the index serves older VS Code.
    const listed = this.secrets.keys ? (await this.secrets.keys()).filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)) : [];
    const candidates = [...new Set([...listed, ...(await this.indexed())])];
    const present = await Promise.all(candidates.map(async (origin) => (await this.secrets.get(PREFIX + origin)) !== undefined));
    return candidates.filter((_, i) => present[i]).sort();
  }

  private async indexed(): Promise<string[]> {
    const stored = await this.secrets.get(INDEX);
    if (stored === undefined) return [];
    try {
      const parsed = OriginIndex.safeParse(JSON.parse(stored));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: not JSON
    }
    return []; // A damaged index loses only the listing; each key is still found by its endpoint.
  }
}
