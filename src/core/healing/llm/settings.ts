/**
 * `selfHeal.llm.*`, one zod schema for both hosts: the extension reads it from the VS Code
 * configuration (the key from SecretStorage), the CLI from `.vscode/settings.json` and its flags
 * (the key from SELF_HEAL_API_KEY or OPENAI_API_KEY). The LLM stays off unless enabled.
 */
import * as path from 'node:path';
import { readJsoncObject, withPrefix } from '../../jsoncFile';
import { z } from 'zod';
import type { Llm, Log } from '../../ports';
import { createOpenAiLlm, endpointProblem } from './openaiLlm';

export const LlmSettings = z.object({
  enabled: z.boolean().default(false),
  baseUrl: z.string().min(1).default('https://api.openai.com/v1'),
  model: z.string().default(''),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  localOnly: z.boolean().default(false),
  /** gitignore-style globs of files never sent to the model nor edited by it. */
  exclude: z.array(z.string()).default([]),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

/** Validate `selfHeal.llm.*` values (keys without the prefix); each invalid one is reported and replaced by its default. */
export function validateLlmSettings(raw: Record<string, unknown>): { settings: LlmSettings; problems: string[] } {
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  const shape = LlmSettings.shape;
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in shape)) continue;
    const parsed = shape[key as keyof typeof shape].safeParse(value);
    if (parsed.success) clean[key] = parsed.data;
    else problems.push(`selfHeal.llm.${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'} (got ${JSON.stringify(value)}); using the default.`);
  }
  return { settings: LlmSettings.parse(clean), problems };
}

/** `selfHeal.llm.*` from `<root>/.vscode/settings.json`, as the CLI reads it. */
export async function readWorkspaceLlmSettings(root: string): Promise<{ settings: LlmSettings; problems: string[] }> {
  const { json } = await readJsoncObject(path.join(root, '.vscode', 'settings.json'));
  // An unreadable settings file is already reported by readWorkspaceSettings.
  if (!json) return { settings: LlmSettings.parse({}), problems: [] };
  return validateLlmSettings(withPrefix(json, 'selfHeal.llm.'));
}

export interface LlmChoice {
  llm: Llm;
  maxAttempts: number;
  exclude: string[];
  /** One line for the log: which endpoint and model, never the key. */
  describe: string;
}

/**
 * The configured LLM, or why it cannot be used (in words the user can act on). Shared by the
 * CLI and the extension, so both refuse the same things.
 */
export function llmFromSettings(settings: LlmSettings, apiKey: string | undefined, log?: Log): LlmChoice | string {
  if (!settings.model.trim()) return 'No LLM model is set. Set selfHeal.llm.model (CLI: --model), e.g. gpt-4.1-mini for OpenAI or qwen2.5-coder:7b for Ollama.';
  const problem = endpointProblem(settings.baseUrl, settings.localOnly);
  if (problem) return problem;
  const host = new URL(settings.baseUrl).hostname;
  if (!apiKey && (host === 'api.openai.com' || host.endsWith('.openai.azure.com'))) {
    return `${settings.baseUrl} needs an API key: run "Self-Heal: Set API Key", or set SELF_HEAL_API_KEY (or OPENAI_API_KEY) for the CLI.`;
  }
  const llm = createOpenAiLlm({ baseUrl: settings.baseUrl, model: settings.model, apiKey, timeoutMs: settings.timeoutSeconds * 1000, localOnly: settings.localOnly, log });
  return { llm, maxAttempts: settings.maxAttempts, exclude: settings.exclude, describe: `${settings.model} at ${settings.baseUrl}${settings.localOnly ? ' (local only)' : ''}` };
}
