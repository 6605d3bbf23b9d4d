/**
 * Which engines a heal runs, and the LLM it talks to. Offline first (fast, free, no network); the
 * core asks the LLM only when the offline engine finds nothing, and only when selfHeal.llm.enabled
 * is on. An LLM that is enabled but cannot be used (no model, a remote URL in local-only mode, no
 * key for OpenAI) does not stop the heal: it runs offline, and the caller says why.
 * Free of 'vscode' imports for the unit tests.
 */
import type { HealOptions } from '../../core/api';
import type { LlmSettings } from '../../core/api';
import type { LlmChoice } from '../../core/pipeline';
import type { HealRecord } from '../../core/model';
import type { Log } from '../../core/ports';

export type EngineOptions = Pick<HealOptions, 'engines' | 'llm' | 'llmMaxAttempts' | 'llmExclude' | 'pastHeals'>;

export interface EnginePlan {
  options: EngineOptions;
  /** For the log: the engines and, with the LLM, its model and endpoint (never the key). */
  describe: string;
  /** Set when the LLM is enabled but cannot be used: why, in words the user can act on. */
  unusable?: string;
}

export interface LlmModule {
  llmFromSettings(settings: LlmSettings, apiKey: string | undefined, log?: Log): LlmChoice | string;
}

export interface EngineDeps {
  settings: () => Promise<LlmSettings>;
  /** The key stored for this endpoint (SecretStorage). */
  apiKey: (baseUrl: string) => Promise<string | undefined>;
  /** The ledger: its applied heals are the LLM's worked examples. */
  records: () => Promise<HealRecord[]>;
  /** The core's LLM module, loaded on first use (it brings the openai client). */
  load: () => Promise<LlmModule>;
  log: Log;
}

const OFFLINE: EngineOptions = { engines: ['mutation'] };

/** For a background heal of failures the LLM already tried: a model is not paid again on every test run. */
export const OFFLINE_RETRY: EnginePlan = { options: OFFLINE, describe: 'offline (the LLM already tried these failures; the lightbulb asks it again)' };

export async function planEngines(deps: EngineDeps): Promise<EnginePlan> {
  const settings = await deps.settings();
  if (!settings.enabled) return { options: OFFLINE, describe: 'offline' };
  const [{ llmFromSettings }, apiKey] = await Promise.all([deps.load(), deps.apiKey(settings.baseUrl)]);
  const choice = llmFromSettings(settings, apiKey, deps.log);
  if (typeof choice === 'string') return { options: OFFLINE, describe: 'offline (the LLM is enabled but unusable)', unusable: choice };
  return {
    options: { engines: ['mutation', 'llm'], llm: choice.llm, llmMaxAttempts: choice.maxAttempts, llmExclude: choice.exclude, pastHeals: await deps.records() },
    describe: `offline, then the LLM ${choice.describe}`,
  };
}
