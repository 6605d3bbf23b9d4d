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
import { validatePolicy, type PolicySetting } from '../core/policy';
import { describeProblem, ValidatedReader } from './settings';
import { WEAKENS } from '../core/labels';

/** Reads `selfHeal.policy` through `read`. */
export class PolicyReader extends ValidatedReader<PolicySetting> {
  constructor(
    private readonly read: () => unknown,
    warn: (message: string) => void,
  ) {
    super(warn);
  }

  protected validate(): PolicySetting {
    const raw = this.read() ?? undefined;
    const { policy, problems } = validatePolicy(raw);
    for (const problem of problems) this.warn(describeProblem(problem));
    const namesDefault = typeof raw === 'object' && raw !== null && 'default' in raw && policy.default === (raw as { default: unknown }).default;
    return { policy, namesDefault };
  }
}

// The decision itself is the core's, shared with the CLI's `heal --apply` and `ci`.
export { fixLabels, NEEDS_REVIEW, offeredUnderPolicy, TEST_EDIT, triage, type FixTriage, type PolicySetting } from '../core/policy';
// From core/labels, which imports nothing: reading it costs activation nothing.
export { WEAKENS };
