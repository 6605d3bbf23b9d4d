/**
 * Settings, one zod schema for every host: the extension reads them from the VS Code
 * configuration, the CLI from `.vscode/settings.json` (JSONC) and its flags.
 */
import * as path from 'node:path';
import { readJsoncObject, withPrefix } from './jsoncFile';
import { z } from 'zod';

export const Settings = z.object({
  mode: z.enum(['off', 'suggest', 'autoApply']).default('suggest'),
  testCommand: z.string().default(''),
  testTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
  maxCandidates: z.number().int().min(1).max(5000).default(400),
  // The most reruns of a failing test before it is healed; healing/tests/flaky.ts says why 7.
  flakyReruns: z.number().int().min(0).max(10).default(7),
});
export type Settings = z.infer<typeof Settings>;

export interface SettingsResult {
  settings: Settings;
  /** Plain-words problems found; invalid values fall back to their defaults. */
  problems: string[];
}

/** Validate `selfHeal.*` values; each invalid one is reported and replaced by its default. */
export function validateSettings(raw: Record<string, unknown>): SettingsResult {
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  const shape = Settings.shape;
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in shape)) continue;
    const field = shape[key as keyof typeof shape];
    const parsed = field.safeParse(value);
    if (parsed.success) clean[key] = parsed.data;
    else problems.push(`selfHeal.${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'} (got ${JSON.stringify(value)}); using the default.`);
  }
  return { settings: Settings.parse(clean), problems };
}

/** Read `selfHeal.*` from `<root>/.vscode/settings.json`, as the CLI does. */
export async function readWorkspaceSettings(root: string): Promise<SettingsResult> {
  const file = path.join(root, '.vscode', 'settings.json');
  const { json, not } = await readJsoncObject(file);
  if (!json) return { settings: Settings.parse({}), problems: not ? [`${file} is not ${not}; its Self-Heal settings were ignored.`] : [] };
  return validateSettings(withPrefix(json, 'selfHeal.'));
}
