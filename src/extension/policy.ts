/**
 * `selfHeal.policy` in the editor (issue 8, paper §5.2): what happens to each verified fix. The
 * core's `decide()` is the one authority; this module only reads the setting, adds what
 * `selfHeal.mode` says, and turns the decision into what the editor does with a fix:
 *   off       → not shown at all;
 *   suggest   → offered in the lightbulb and the quick pick;
 *   review    → offered with a "needs review" note, never applied without a person;
 *   autoApply → applied as soon as it is verified, when decide() says so (the floor is met, no
 *               neverEdit path, not a test edit).
 * A fix labelled 'weakens tests' is never applied automatically and needs a modal confirmation.
 * Free of 'vscode' imports, so the unit tests (test/extension) run it under plain Node.
 */
import { WEAKENS, type PolicySetting } from '../core/api';
import type { SettingsReader } from './settings';

/** `selfHeal.policy`, as the one settings reader validated it with the rest. */
export class PolicyReader {
  constructor(private readonly settings: SettingsReader) {}

  get(): PolicySetting {
    return this.settings.policy();
  }

  /** Call when the configuration changed. */
  invalidate(): void {
    this.settings.invalidate();
  }
}

// The decision itself is the core's, shared with the CLI's `heal --apply` and `ci`.
export { fixLabels, NEEDS_REVIEW, offeredUnderPolicy, TEST_EDIT, triage, type FixTriage, type PolicySetting } from '../core/api';
// From the core's light half: reading it costs activation nothing.
export { WEAKENS };
