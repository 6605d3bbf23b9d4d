/**
 * The `Llm` port on the `openai` package, for any OpenAI-compatible endpoint: OpenAI, Azure
 * OpenAI (v1 API), Ollama, LM Studio, vLLM. Plain Node, so it lives in the core and both hosts use
 * it. Retries are ours, not the client's, so that the backoff is visible in the log, honours
 * `Retry-After`, stops at once on cancellation and can be made short in tests.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { SelfHealError } from '../../model';
import { silentLog, type Llm, type LlmReply, type LlmRequest, type Log } from '../../ports';

export interface OpenAiLlmOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:1234/v1 (LM Studio). */
  baseUrl: string;
  model: string;
  /** Local servers need none; a placeholder is sent then. */
  apiKey?: string;
  /** Per request; default 60 s. A timeout is not retried: the next try would most likely time out too. */
  timeoutMs?: number;
  /** Retries after a 429, a 5xx or a dropped connection; default 3. */
  maxRetries?: number;
  /** First backoff; doubled each retry, with jitter; default 1 s. */
  backoffMs?: number;
  /** Upper bound for one wait, including a server's Retry-After; default 30 s. */
  maxBackoffMs?: number;
  /** Refuse any endpoint that is not on this machine (localhost, 127.0.0.0/8, ::1). */
  localOnly?: boolean;
  /** Omitted unless set (the server's default applies). */
  temperature?: number;
  /** Cap on the reply, in tokens; omitted unless set. */
  maxOutputTokens?: number;
  log?: Log;
}

export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** Why `baseUrl` cannot be used, or undefined. */
export function endpointProblem(baseUrl: string, localOnly: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `The LLM base URL "${baseUrl}" is not a URL; use e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `The LLM base URL must be http or https, got ${url.protocol}`;
  if (localOnly && !isLoopbackUrl(baseUrl))
    return `Local-only mode refuses ${url.origin}: it is not on this machine (localhost, 127.0.0.1, ::1). Point the base URL at a local server such as http://127.0.0.1:11434/v1 (Ollama), or turn local-only off.`;
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SelfHealError('CANCELLED', 'Cancelled while waiting to retry the LLM request.'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SelfHealError('CANCELLED', 'Cancelled while waiting to retry the LLM request.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(error: APIError): number | undefined {
  const header = error.headers?.get('retry-after-ms') ?? undefined;
  if (header && Number.isFinite(Number(header))) return Number(header);
  const seconds = error.headers?.get('retry-after');
  if (!seconds) return undefined;
  if (Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function retryable(error: unknown): boolean {
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) return false;
  if (!(error instanceof APIError)) return false;
  return error.status === undefined || error.status === 429 || error.status >= 500;
}

const seconds = (ms: number): string => (ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10));

function explain(error: unknown, options: OpenAiLlmOptions, tries: number): SelfHealError {
  const where = options.baseUrl;
  const after = tries > 1 ? ` after ${tries} tries` : '';
  if (error instanceof APIConnectionTimeoutError) {
    return new SelfHealError(
      'LLM',
      `The LLM at ${where} did not answer within ${seconds(options.timeoutMs ?? 60_000)} s. Raise selfHeal.llm.timeoutSeconds (CLI: --llm-timeout), or use a faster model.`,
    );
  }
  if (error instanceof APIError && error.status !== undefined) {
    const detail = error.message.replace(/^\d+\s*/, '').slice(0, 200);
    if (error.status === 401 || error.status === 403)
      return new SelfHealError(
        'LLM',
        `The LLM at ${where} refused the API key (${error.status}: ${detail}). Set it with "Self-Heal: Set API Key" or SELF_HEAL_API_KEY.`,
      );
    if (error.status === 404)
      return new SelfHealError(
        'LLM',
        `The LLM at ${where} answered 404 (${detail}). Check the base URL (it usually ends in /v1) and that the model "${options.model}" exists there.`,
      );
    if (error.status === 429)
      return new SelfHealError('LLM', `The LLM at ${where} is rate-limiting requests (429)${after}. Wait and try again, or raise your quota.`);
    if (error.status >= 500)
      return new SelfHealError('LLM', `The LLM at ${where} failed with a server error (${error.status}: ${detail})${after}. Try again later.`);
    return new SelfHealError('LLM', `The LLM at ${where} refused the request (${error.status}: ${detail}).`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new SelfHealError(
    'LLM',
    `Could not reach the LLM at ${where}${after} (${cause?.code ?? cause?.message ?? (error as Error).message}). Is the server running, and is the base URL right?`,
  );
}

export function createOpenAiLlm(options: OpenAiLlmOptions): Llm {
  const problem = endpointProblem(options.baseUrl, options.localOnly ?? false);
  if (problem) throw new SelfHealError('BAD_INPUT', problem);
  const log = options.log ?? silentLog;
  const timeout = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 3;
  const backoff = options.backoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey || 'not-needed', timeout, maxRetries: 0, organization: null, project: null });

  async function once(request: LlmRequest): Promise<LlmReply> {
    const reply = await client.chat.completions.create(
      {
        model: options.model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.user },
        ],
        // Sent only when set: reasoning models reject any temperature but the default and `max_tokens`.
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(options.maxOutputTokens === undefined ? {} : { max_tokens: options.maxOutputTokens }),
      },
      { signal: request.signal, timeout },
    );
    const text = reply.choices[0]?.message?.content ?? '';
    const usage = reply.usage;
    if (!usage) log.debug('llm: the endpoint reported no token usage; counting 0');
    return { text, usage: { input: usage?.prompt_tokens ?? 0, output: usage?.completion_tokens ?? 0 } };
  }

  return {
    async complete(request: LlmRequest): Promise<LlmReply> {
      for (let attempt = 0; ; attempt++) {
        if (request.signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled before the LLM answered.');
        try {
          return await once(request);
        } catch (error) {
          if (request.signal?.aborted || error instanceof APIUserAbortError) throw new SelfHealError('CANCELLED', 'Cancelled before the LLM answered.');
          if (!retryable(error) || attempt >= maxRetries) throw explain(error, options, attempt + 1);
          const status = (error as APIError).status;
          const planned = Math.min(maxBackoff, backoff * 2 ** attempt * (0.75 + Math.random() * 0.5));
          const wait = Math.min(maxBackoff, retryAfterMs(error as APIError) ?? planned);
          log.info(
            `llm: ${status ? `HTTP ${status}` : 'connection failed'} from ${options.baseUrl}; retry ${attempt + 1}/${maxRetries} in ${(wait / 1000).toFixed(1)} s`,
          );
          await sleep(wait, request.signal);
        }
      }
    },
  };
}
