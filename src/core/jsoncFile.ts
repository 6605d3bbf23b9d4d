/** Reading the JSON-with-comments files Self-Heal takes settings from (`.vscode/settings.json`, `.self-heal.json`). */
import * as fs from 'node:fs/promises';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';

export interface JsoncObject {
  /** The file's object; undefined when the file is missing or not usable. */
  json?: Record<string, unknown>;
  /** What the file is not, when it exists but is not usable: 'valid JSON', or 'a JSON object' (an array). */
  not?: 'valid JSON' | 'a JSON object';
}

export async function readJsoncObject(file: string): Promise<JsoncObject> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof json !== 'object' || json === null) return { not: 'valid JSON' };
  if (Array.isArray(json)) return { not: 'a JSON object' };
  return { json: json as Record<string, unknown> };
}

/** The entries of `json` whose keys start with `prefix`, with the prefix taken off. */
export function withPrefix(json: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}
