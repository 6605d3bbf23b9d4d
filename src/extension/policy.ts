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
import type { HealOutcome } from '../core/api';
import { decide, validatePolicy, type Policy, type PolicyMode } from '../core/policy';
import { describeProblem, ValidatedReader, type Mode } from './settings';
import { AMBIGUOUS, confidenceText, WEAKENS } from '../core/labels';

export interface PolicySetting {
  policy: Policy;
  /** Whether selfHeal.policy names a `default` mode itself; if not, selfHeal.mode = autoApply raises it. */
  namesDefault: boolean;
}

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

/** What the editor does with one verified fix, and the words it shows with it. */
export interface FixTriage {
  mode: PolicyMode;
  /** Why, in the order the rules applied (the core's reasons, after the mode's). */
  reasons: string[];
  /** Shown next to the fix: its labels ('test edit', 'weakly tested', 'weakens tests', …) and 'needs review'. */
  notes: string[];
  /** Applied without asking: the policy says autoApply and the fix clears every rule. */
  autoApply: boolean;
  /** A person must confirm in a modal before it is applied: it weakens tests. */
  confirm: boolean;
}

export const NEEDS_REVIEW = 'needs review';
export const TEST_EDIT = 'test edit';
// From core/labels, which imports nothing: reading it costs activation nothing.
export { WEAKENS };

/**
 * The policy with `selfHeal.mode` folded in. `selfHeal.mode = autoApply` predates the policy: it
 * means "auto-apply what you can", so it raises the default mode of the classes the policy does
 * not name — unless the policy names a default itself, which is the more specific setting.
 */
function effectivePolicy(setting: PolicySetting, mode: Mode): { policy: Policy; raised: boolean } {
  if (mode !== 'autoApply' || setting.namesDefault || setting.policy.default === 'autoApply') return { policy: setting.policy, raised: false };
  return { policy: { ...setting.policy, default: 'autoApply' }, raised: true };
}

/**
 * A fix's labels as a reviewer needs them: the candidate's and its guards', 'test edit' for any
 * edit of a test, and its confidence when the tests cannot single it out ("verified, ambiguous (…)").
 */
export function fixLabels(outcome: HealOutcome): string[] {
  const fix = outcome.fix;
  if (!fix) return [];
  const ambiguous = fix.evidence.confidence?.level === AMBIGUOUS ? [confidenceText(fix.evidence.confidence)] : [];
  const labels = [...ambiguous, ...(fix.candidate.editsTests ? [TEST_EDIT] : []), ...(fix.candidate.labels ?? []), ...(fix.evidence.guards ?? []).flatMap((g) => (g.label ? [g.label] : []))];
  return [...new Set(labels)];
}

export function triage(setting: PolicySetting, mode: Mode, outcome: HealOutcome): FixTriage {
  const effective = effectivePolicy(setting, mode);
  const decision = decide(effective.policy, outcome);
  const labels = fixLabels(outcome);
  const weakens = labels.includes(WEAKENS);
  const byMode = effective.raised && effective.policy.classes[outcome.diagnosis.class] === undefined;
  return {
    mode: decision.mode,
    reasons: [...(byMode ? ['selfHeal.mode is autoApply'] : []), ...decision.reasons],
    notes: decision.mode === 'review' ? [...labels, NEEDS_REVIEW] : labels,
    // decide() already sends a test weakening to review; this says the same in the place that acts
    // on it, so that no change to the rules can make the editor apply one unasked (issue 7).
    autoApply: decision.mode === 'autoApply' && !weakens && outcome.fix?.evidence.confidence?.level !== AMBIGUOUS,
    confirm: weakens,
  };
}
