/**
 * Settings: the one zod schema for every host, `selfHeal.*` as package.json declares it. The
 * extension reads it from the VS Code configuration, the CLI from `.vscode/settings.json` (JSONC),
 * `.self-heal.json` for the policy, and its flags. Each invalid value is reported in plain words
 * and replaced by its default: a bad setting never stops a heal.
 */
import * as path from 'node:path';
import { readJsoncObject, withPrefix } from './jsoncFile';
import { z } from 'zod';
import { Policy, readWorkspacePolicy, validatePolicy } from './policy';

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

const BaseSettings = z.object({
  mode: z.enum(['off', 'suggest', 'autoApply']).default('suggest'),
  testCommand: z.string().default(''),
  testTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
  maxCandidates: z.number().int().min(1).max(5000).default(400),
  // The most reruns of a failing test before it is healed; analysis/reruns.ts says why 7.
  flakyReruns: z.number().int().min(0).max(10).default(7),
});

/** Every setting: the plain ones, `selfHeal.policy` (policy.ts) and `selfHeal.llm.*`. */
export const Settings = BaseSettings.extend({
  policy: Policy.prefault({}),
  llm: LlmSettings.prefault({}),
});
export type Settings = z.infer<typeof Settings>;

/** The plain settings' keys (`selfHeal.<key>`); `policy` and `llm` are sections with their own validation. */
export const PLAIN_SETTING_KEYS = Object.keys(BaseSettings.shape) as Array<keyof z.infer<typeof BaseSettings>>;

export interface SettingsResult {
  settings: Settings;
  /** Plain-words problems found; invalid values fall back to their defaults. */
  problems: string[];
  /** Whether the policy names its own `default` mode (selfHeal.mode = autoApply raises it otherwise). */
  policyNamesDefault: boolean;
  /** Where the policy came from: `.self-heal.json`, `.vscode/settings.json`, `selfHeal.policy` or `defaults`. */
  policySource: string;
}

/**
 * Validate raw `selfHeal.*` values: the plain keys, `policy` (the raw object) and `llm` (the
 * section, keys without the prefix). Each invalid value is reported and replaced by its default.
 */
export function validateSettings(raw: Record<string, unknown>): SettingsResult {
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  const shape = BaseSettings.shape;
  for (const key of PLAIN_SETTING_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const parsed = shape[key].safeParse(value);
    if (parsed.success) clean[key] = parsed.data;
    else problems.push(`selfHeal.${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'} (got ${JSON.stringify(value)}); using the default.`);
  }
  const rawPolicy = raw.policy ?? undefined;
  const policy = validatePolicy(rawPolicy);
  const llmSection = typeof raw.llm === 'object' && raw.llm !== null && !Array.isArray(raw.llm) ? (raw.llm as Record<string, unknown>) : {};
  const llm = validateLlmSettings(Object.fromEntries(Object.entries(llmSection).filter(([, v]) => v !== undefined && v !== null)));
  const policyNamesDefault =
    typeof rawPolicy === 'object' && rawPolicy !== null && 'default' in rawPolicy && policy.policy.default === (rawPolicy as { default: unknown }).default;
  return {
    settings: Settings.parse({ ...clean, policy: policy.policy, llm: llm.settings }),
    problems: [...problems, ...policy.problems, ...llm.problems],
    policyNamesDefault,
    policySource: rawPolicy === undefined ? 'defaults' : 'selfHeal.policy',
  };
}

/**
 * Every setting as the CLI reads it: `selfHeal.*` from `<root>/.vscode/settings.json`, and the
 * policy from `.self-heal.json` when it has one (the file a team commits for CI).
 */
export async function readWorkspaceSettings(root: string): Promise<SettingsResult> {
  const file = path.join(root, '.vscode', 'settings.json');
  const { json, not } = await readJsoncObject(file);
  const flat = json ? withPrefix(json, 'selfHeal.') : {};
  const { policy: _ignored, ...plain } = flat;
  const result = validateSettings({ ...plain, llm: json ? withPrefix(json, 'selfHeal.llm.') : {} });
  const policy = await readWorkspacePolicy(root);
  return {
    settings: { ...result.settings, policy: policy.policy },
    problems: [...(not ? [`${file} is not ${not}; its Self-Heal settings were ignored.`] : []), ...result.problems, ...policy.problems],
    policyNamesDefault: true,
    policySource: policy.source,
  };
}
