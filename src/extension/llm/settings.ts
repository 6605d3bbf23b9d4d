/**
 * `selfHeal.llm.*` as the extension sees it, validated with the core's zod schema (shared with the
 * CLI; STYLE §5). Invalid values fall back to their defaults with one warning each, like the other
 * settings (../settings.ts).
 * The schema's module brings the `openai` client with it, whose load alone costs more than the
 * 100 ms activation budget, so it is loaded on first use (a heal, a key command, or a change to
 * these settings), never during activation. Free of 'vscode' imports for the unit tests.
 */
import type { LlmSettings } from '../../core/healing/llm/settings';
import { describeProblem, ValidatedReader } from '../settings';

export type { LlmSettings };

export interface LlmSettingsModule {
  validateLlmSettings(raw: Record<string, unknown>): { settings: LlmSettings; problems: string[] };
}

export class LlmSettingsReader extends ValidatedReader<Promise<LlmSettings>> {
  constructor(
    /** The raw `selfHeal.llm` section: keys without the prefix. */
    private readonly read: () => Record<string, unknown> | undefined,
    private readonly load: () => Promise<LlmSettingsModule>,
    warn: (message: string) => void,
  ) {
    super(warn);
  }

  protected validate(): Promise<LlmSettings> {
    const settings = this.load().then(({ validateLlmSettings }) => {
      const raw: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(this.read() ?? {})) if (value !== undefined && value !== null) raw[key] = value;
      const result = validateLlmSettings(raw);
      for (const problem of result.problems) this.warn(describeProblem(problem));
      return result.settings;
    });
    // A failed load is not remembered: the next call tries again.
    void settings.catch(() => this.forget(settings));
    return settings;
  }
}
