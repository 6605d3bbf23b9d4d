/**
 * The CLI's LLM flags and environment: which engines run, and the OpenAI-compatible endpoint.
 * Flags win over `.vscode/settings.json` (selfHeal.llm.*), which wins over the defaults. The key
 * comes only from the environment (SELF_HEAL_API_KEY, else OPENAI_API_KEY), never from a flag,
 * so it does not end up in shell history.
 */
import { LlmSettings } from '../core/api';
import { llmFromSettings } from '../core/pipeline';
import type { Llm, Log } from '../core/ports';

/** Spread into `parseArgs({ options })` of `self-heal heal`. */
export const LLM_CLI_OPTIONS = {
  engine: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'local-only': { type: 'boolean' },
  'llm-attempts': { type: 'string' },
  'llm-timeout': { type: 'string' },
} as const;

export const LLM_USAGE = `LLM options (off unless --engine llm|all or selfHeal.llm.enabled):
  --engine offline|llm|all   offline: mutation engine only; llm: the model only; all: offline first, the model when it finds nothing
  --base-url URL             OpenAI-compatible endpoint (default https://api.openai.com/v1; Ollama: http://127.0.0.1:11434/v1)
  --model NAME               model name at that endpoint
  --local-only               refuse any endpoint that is not on this machine
  --llm-attempts N           attempts per failure, each with the previous test output (default 3)
  --llm-timeout SECONDS      per request (default 60)
  API key: SELF_HEAL_API_KEY or OPENAI_API_KEY (not needed for local servers).`;

export interface LlmCliValues {
  engine?: string;
  'base-url'?: string;
  model?: string;
  'local-only'?: boolean;
  'llm-attempts'?: string;
  'llm-timeout'?: string;
}

export interface LlmCliChoice {
  engines: Array<'mutation' | 'llm'>;
  llm?: Llm;
  maxAttempts: number;
  exclude: string[];
  /** For the log: the engines and, with the LLM, the endpoint and model (never the key). */
  describe: string;
}

const ENGINES = { offline: ['mutation'], llm: ['llm'], all: ['mutation', 'llm'] } as const;

function positiveInt(value: string | undefined, flag: string): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : `${flag} needs a positive whole number, got "${value}".`;
}

/** The engines and LLM for `self-heal heal`, or a message saying what to change. */
export function llmFromCli(
  values: LlmCliValues,
  env: Record<string, string | undefined>,
  settings: Partial<LlmSettings> = {},
  log?: Log,
): LlmCliChoice | string {
  const base = LlmSettings.parse(settings);
  const engine = values.engine ?? (base.enabled ? 'all' : 'offline');
  if (!(engine in ENGINES)) return `--engine must be offline, llm or all, got "${engine}".`;
  const engines = [...ENGINES[engine as keyof typeof ENGINES]];
  const attempts = positiveInt(values['llm-attempts'], '--llm-attempts');
  const timeout = positiveInt(values['llm-timeout'], '--llm-timeout');
  if (typeof attempts === 'string') return attempts;
  if (typeof timeout === 'string') return timeout;
  const merged: LlmSettings = {
    ...base,
    baseUrl: values['base-url'] ?? base.baseUrl,
    model: values.model ?? base.model,
    localOnly: values['local-only'] === true || base.localOnly,
    maxAttempts: attempts ?? base.maxAttempts,
    timeoutSeconds: timeout ?? base.timeoutSeconds,
  };
  if (!engines.includes('llm')) return { engines, maxAttempts: merged.maxAttempts, exclude: merged.exclude, describe: 'engine: offline' };
  const apiKey = env.SELF_HEAL_API_KEY || env.OPENAI_API_KEY || undefined;
  const choice = llmFromSettings(merged, apiKey, log);
  if (typeof choice === 'string') return choice.replace('selfHeal.llm.model (CLI: --model)', '--model NAME (or selfHeal.llm.model)');
  return { engines, llm: choice.llm, maxAttempts: choice.maxAttempts, exclude: choice.exclude, describe: `engine: ${engine}; LLM ${choice.describe}` };
}
