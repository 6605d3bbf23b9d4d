/**
 * `selfHeal.llm.*` as the extension sees it, validated with the core's zod schema (shared with the
 * CLI; STYLE §5). Invalid values fall back to their defaults with one warning each, like the other
 * settings (../settings.ts).
 * The schema's module brings the `openai` client with it, whose load alone costs more than the
 * 100 ms activation budget, so it is loaded on first use (a heal, a key command, or a change to
 * these settings), never during activation. Free of 'vscode' imports for the unit tests.
 */
import type { LlmSettings } from '../../core/healing/llm/settings';
import { describeProblem, warnOnce } from '../settings';

export type { LlmSettings };

export interface LlmSettingsModule {
  validateLlmSettings(raw: Record<string, unknown>): { settings: LlmSettings; problems: string[] };
}

export class LlmSettingsReader {
  private readonly warn: (message: string) => void;
  private cached: Promise<LlmSettings> | undefined;

  constructor(
    /** The raw `selfHeal.llm` section: keys without the prefix. */
    private readonly read: () => Record<string, unknown> | undefined,
    private readonly load: () => Promise<LlmSettingsModule>,
    warn: (message: string) => void,
  ) {
    this.warn = warnOnce(warn);
  }

  /** Call when the `selfHeal.llm` configuration changed. */
  invalidate(): void {
    this.cached = undefined;
  }

  get(): Promise<LlmSettings> {
    if (this.cached) return this.cached;
    const settings = this.load().then(({ validateLlmSettings }) => {
      const raw: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(this.read() ?? {})) if (value !== undefined && value !== null) raw[key] = value;
      const result = validateLlmSettings(raw);
      for (const problem of result.problems) this.warn(describeProblem(problem));
      return result.settings;
    });
    // A failed load is not remembered: the next call tries again.
    void settings.catch(() => this.cached === settings && this.invalidate());
    this.cached = settings;
    return settings;
  }
}
