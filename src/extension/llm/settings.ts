/**
 * `selfHeal.llm.*` as the extension sees it: the `llm` section of the one settings schema, read
 * and validated with the rest (../settings.ts), so an invalid value falls back to its default with
 * one warning, like any other setting. Validating it loads nothing heavy: the `openai` client
 * (whose load alone costs more than the activation budget) comes only with llmFromSettings, on
 * first use.
 */
import type { LlmSettings } from '../../core/api';
import type { SettingsReader } from '../settings';

export type { LlmSettings };

export class LlmSettingsReader {
  constructor(private readonly settings: SettingsReader) {}

  /** A promise, as hosts awaited it when validating meant loading the client; it resolves at once. */
  get(): Promise<LlmSettings> {
    try {
      return Promise.resolve(this.settings.get().llm);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Call when the configuration changed. */
  invalidate(): void {
    this.settings.invalidate();
  }
}
