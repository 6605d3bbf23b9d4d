/**
 * "Self-Heal: Set API Key" and "Self-Heal: Clear API Key". The key is typed into a password box,
 * stored for the endpoint selfHeal.llm.baseUrl names at that moment (./apiKeys.ts), and never
 * logged or shown again.
 */
import * as vscode from 'vscode';
import { SelfHealError } from '../../core/model';
import type { Log } from '../../core/ports';
import { endpointOrigin, type ApiKeys } from './apiKeys';
import type { Notifier } from '../notify';
import type { LlmSettingsReader } from './settings';

export interface KeyServices {
  apiKeys: ApiKeys;
  llmSettings: LlmSettingsReader;
  log: Log;
  notify: Notifier;
}

/**
 * Resolves to the endpoint origin the key was stored for, or undefined when the user cancelled.
 * `given` is for automation and tests; without it the user is asked.
 */
export async function setApiKey(s: KeyServices, given?: unknown): Promise<string | undefined> {
  const { baseUrl, enabled } = await s.llmSettings.get();
  const origin = endpointOrigin(baseUrl);
  if (!origin)
    throw new SelfHealError(
      'BAD_INPUT',
      `selfHeal.llm.baseUrl "${baseUrl}" is not an http(s) URL. Set it first (e.g. https://api.openai.com/v1), then the key.`,
    );
  const key =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          title: 'Self-Heal: Set API Key',
          prompt: `API key for ${origin} (selfHeal.llm.baseUrl). Kept in VS Code's secret storage and sent only to ${origin}.`,
          placeHolder: 'sk-…',
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? undefined : 'Enter the key, or press Escape to cancel.'),
        });
  if (!key?.trim()) return undefined;
  await s.apiKeys.set(baseUrl, key.trim());
  s.log.info(`API key stored for ${origin}`);
  const hint = enabled ? '' : ' Turn on selfHeal.llm.enabled to use the LLM.';
  void s.notify.info(`Self-Heal: API key stored for ${origin}; it is sent only there.${hint}`);
  return origin;
}

interface OriginItem extends vscode.QuickPickItem {
  origins: string[];
}

/** Resolves to the origins whose keys were deleted. With keys for several endpoints, the user picks. */
export async function clearApiKey(s: KeyServices): Promise<string[]> {
  const origins = await s.apiKeys.origins();
  if (!origins.length) {
    void s.notify.info('Self-Heal: no API key is stored.');
    return [];
  }
  let chosen = origins;
  if (origins.length > 1) {
    const current = endpointOrigin((await s.llmSettings.get()).baseUrl);
    const items: OriginItem[] = [
      ...origins.map((origin) => ({ label: origin, description: origin === current ? 'selfHeal.llm.baseUrl' : undefined, origins: [origin] })),
      { label: 'All endpoints', origins },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Self-Heal: Clear API Key', placeHolder: 'Which endpoint’s key should be deleted?' });
    if (!picked) return [];
    chosen = picked.origins;
  }
  for (const origin of chosen) await s.apiKeys.clear(origin);
  s.log.info(`API key deleted for ${chosen.join(', ')}`);
  void s.notify.info(`Self-Heal: API key deleted for ${chosen.join(', ')}.`);
  return chosen;
}
