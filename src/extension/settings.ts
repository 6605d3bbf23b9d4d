/**
 * `selfHeal.*` as the extension sees it: one reader of the workspace configuration, validated with
 * the core's one zod schema (src/core/settings.ts, shared with the CLI; STYLE §5): the plain
 * settings, `selfHeal.policy` and `selfHeal.llm.*`. An invalid value never crashes anything: it
 * falls back to its default, and the user is warned once, with the setting's name and what to do.
 * Free of 'vscode' imports so that the unit tests (test/extension) run it under plain Node;
 * activate.ts passes in how to read the configuration.
 */
import { PLAIN_SETTING_KEYS, validateSettings, type PolicySetting, type Settings } from '../core/api';

export type { Settings };
export type Mode = Settings['mode'];
export type SettingKey = (typeof PLAIN_SETTING_KEYS)[number];
export const settingKeys: readonly SettingKey[] = PLAIN_SETTING_KEYS;
/** The sections read whole: `selfHeal.policy` (one object) and `selfHeal.llm` (its keys without the prefix). */
export type SectionKey = 'policy' | 'llm';

export function describeProblem(problem: string): string {
  return `Self-Heal: invalid setting ${problem} Fix it in Settings (search "selfHeal").`;
}

/** `warn`, but each distinct message only once: settings are reread on every change. */
function warnOnce(warn: (message: string) => void): (message: string) => void {
  const warned = new Set<string>();
  return (message) => {
    if (warned.has(message)) return;
    warned.add(message);
    warn(message);
  };
}

/**
 * A configuration value, validated on first use after each change (`invalidate`); an invalid part
 * falls back to its default, and each distinct problem is warned about once.
 */
export abstract class ValidatedReader<T> {
  protected readonly warn: (message: string) => void;
  private cached: T | undefined;

  constructor(warn: (message: string) => void) {
    this.warn = warnOnce(warn);
  }

  /** Call when the configuration it reads changed. */
  invalidate(): void {
    this.cached = undefined;
  }

  get(): T {
    return (this.cached ??= this.validate());
  }

  /** Drop `value` if it is still the cached one (a failed load, which the next call tries again). */
  protected forget(value: T): void {
    if (this.cached === value) this.cached = undefined;
  }

  protected abstract validate(): T;
}

/** Reads the live `selfHeal.*` configuration through `read` (one raw value per key or section). */
export class SettingsReader extends ValidatedReader<Settings> {
  private namesDefault = false;

  constructor(
    private readonly read: (key: SettingKey | SectionKey) => unknown,
    warn: (message: string) => void,
  ) {
    super(warn);
  }

  protected validate(): Settings {
    const raw: Record<string, unknown> = {};
    for (const key of [...settingKeys, 'policy', 'llm'] as const) {
      const value = this.read(key);
      if (value !== undefined && value !== null) raw[key] = value;
    }
    const result = validateSettings(raw);
    for (const problem of result.problems) this.warn(describeProblem(problem));
    this.namesDefault = result.policyNamesDefault;
    return result.settings;
  }

  /** `selfHeal.policy`, and whether it names its own default (selfHeal.mode = autoApply raises it otherwise). */
  policy(): PolicySetting {
    const { policy } = this.get();
    return { policy, namesDefault: this.namesDefault };
  }
}
