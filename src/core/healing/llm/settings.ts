/**
 * The LLM as `selfHeal.llm.*` configures it (the schema is the core's one settings schema,
 * src/core/settings.ts): the key comes from SecretStorage in the extension, from
 * SELF_HEAL_API_KEY or OPENAI_API_KEY in the CLI. The LLM stays off unless enabled.
 */
import type { Llm, Log } from '../../ports';
import type { LlmSettings } from '../../settings';
import { createOpenAiLlm, endpointProblem } from './openaiLlm';

export { LlmSettings, validateLlmSettings } from '../../settings';

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
  const llm = createOpenAiLlm({
    baseUrl: settings.baseUrl,
    model: settings.model,
    apiKey,
    timeoutMs: settings.timeoutSeconds * 1000,
    localOnly: settings.localOnly,
    log,
  });
  return {
    llm,
    maxAttempts: settings.maxAttempts,
    exclude: settings.exclude,
    describe: `${settings.model} at ${settings.baseUrl}${settings.localOnly ? ' (local only)' : ''}`,
  };
}
