/**
 * Policies (paper §5.2): how much autonomy a team gives Self-Heal, per failure class. Each class
 * is `off` (not healed), `suggest` (offered; a person applies it), `review` (offered, but marked
 * as needing a careful review) or `autoApply` (applied when verified). On top of that, a fix is
 * auto-applied only when it clears a confidence floor, never when it touches a `neverEdit`
 * path, and never when the tests cannot single it out (Evidence.confidence is ambiguous). The
 * defaults are conservative: suggest everything, auto-apply nothing.
 *
 * Read from `selfHeal.policy` in `.vscode/settings.json`, or `policy` in `.self-heal.json`
 * (the latter wins: it is the file a team commits for CI). Invalid parts are reported and
 * replaced by their defaults; a bad policy never stops a heal.
 */
import * as path from 'node:path';
import ignore from 'ignore';
import { readJsoncObject } from './jsoncFile';
import { z } from 'zod';
import type { HealOutcome, HealReport } from './api';
import { AMBIGUOUS, confidenceText, WEAKENS } from './labels';
import { FailureClass } from './model';

export const PolicyMode = z.enum(['off', 'suggest', 'review', 'autoApply']);
export type PolicyMode = z.infer<typeof PolicyMode>;

export const AutoApplyFloor = z.object({
  /** Auto-apply only fixes whose mutation guard ran and found the changed lines tested. */
  requireMutationGuard: z.boolean().default(true),
  /** Auto-apply only when the verifying suite has at least this many passing tests. */
  minSuiteTests: z.number().int().min(0).default(3),
  /** Auto-apply only fixes that change at most this many lines (added + removed). */
  maxChangedLines: z.number().int().min(1).default(10),
});
export type AutoApplyFloor = z.infer<typeof AutoApplyFloor>;

export const Policy = z.object({
  /** The mode of every class not listed in `classes`. */
  default: PolicyMode.default('suggest'),
  classes: z.partialRecord(FailureClass, PolicyMode).default({}),
  autoApplyFloor: AutoApplyFloor.prefault({}),
  /** gitignore-style patterns (workspace-relative), as in selfHeal.llm.exclude. */
  neverEdit: z.array(z.string().min(1)).default([]),
});
export type Policy = z.infer<typeof Policy>;

export const DEFAULT_POLICY: Policy = Policy.parse({});

export interface PolicyResult {
  policy: Policy;
  /** Where it was read from, for reports: `.self-heal.json`, `.vscode/settings.json` or `defaults`. */
  source: string;
  /** Plain-words problems; each invalid part fell back to its default. */
  problems: string[];
}

const issueText = (error: z.ZodError): string => error.issues[0]?.message ?? 'invalid value';
const shown = (value: unknown): string => JSON.stringify(value)?.slice(0, 80) ?? String(value);

/** Validate a raw `selfHeal.policy` value field by field; `where` names it in messages. */
export function validatePolicy(raw: unknown, where = 'selfHeal.policy'): { policy: Policy; problems: string[] } {
  if (raw === undefined) return { policy: DEFAULT_POLICY, problems: [] };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      policy: DEFAULT_POLICY,
      problems: [
        `${where} must be an object like {"classes": {"code-bug": "suggest"}} (got ${shown(raw)}); using the conservative defaults: suggest everything, auto-apply nothing.`,
      ],
    };
  }
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  const shape = Policy.shape;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'classes') {
      clean.classes = validateClasses(value, `${where}.classes`, problems);
    } else if (key === 'autoApplyFloor') {
      clean.autoApplyFloor = validateFloor(value, `${where}.autoApplyFloor`, problems);
    } else if (key === 'neverEdit') {
      const parsed = shape.neverEdit.safeParse(value);
      if (parsed.success) clean.neverEdit = parsed.data;
      else
        problems.push(
          `${where}.neverEdit must be a list of path patterns such as ["migrations/**", "*.lock"] (got ${shown(value)}); nothing is protected by it until it is fixed.`,
        );
    } else if (key === 'default') {
      const parsed = PolicyMode.safeParse(value);
      if (parsed.success) clean.default = parsed.data;
      else problems.push(`${where}.default: expected one of ${PolicyMode.options.join(' | ')} (got ${shown(value)}); using "suggest".`);
    } else {
      problems.push(`${where}.${key} is not a policy setting (known: ${Object.keys(shape).join(', ')}); it was ignored.`);
    }
  }
  return { policy: Policy.parse(clean), problems };
}

function validateClasses(value: unknown, where: string, problems: string[]): Record<string, PolicyMode> {
  const out: Record<string, PolicyMode> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where} must map failure classes to modes, e.g. {"code-bug": "suggest"} (got ${shown(value)}); using the default for every class.`);
    return out;
  }
  for (const [cls, mode] of Object.entries(value)) {
    if (!FailureClass.safeParse(cls).success) {
      problems.push(`${where}: "${cls}" is not a failure class (known: ${FailureClass.options.join(', ')}); it was ignored.`);
      continue;
    }
    const parsed = PolicyMode.safeParse(mode);
    if (parsed.success) out[cls] = parsed.data;
    else problems.push(`${where}.${cls}: expected one of ${PolicyMode.options.join(' | ')} (got ${shown(mode)}); using the default for ${cls}.`);
  }
  return out;
}

function validateFloor(value: unknown, where: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where} must be an object (got ${shown(value)}); using the default floor.`);
    return out;
  }
  const shape = AutoApplyFloor.shape;
  for (const [key, field] of Object.entries(value)) {
    if (!(key in shape)) {
      problems.push(`${where}.${key} is not a floor setting (known: ${Object.keys(shape).join(', ')}); it was ignored.`);
      continue;
    }
    const parsed = shape[key as keyof typeof shape].safeParse(field);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${where}.${key}: ${issueText(parsed.error)} (got ${shown(field)}); using the default.`);
  }
  return out;
}

/** The workspace's policy, as the CLI reads it: `.self-heal.json` first, then `.vscode/settings.json`. */
export async function readWorkspacePolicy(root: string): Promise<PolicyResult> {
  const problems: string[] = [];
  const teamFile = path.join(root, '.self-heal.json');
  const team = await readJsoncObject(teamFile);
  if (team.not) problems.push(`${teamFile} is not valid JSON; its Self-Heal policy was ignored.`);
  if (team.json && 'policy' in team.json) {
    const result = validatePolicy(team.json.policy, '.self-heal.json policy');
    return { policy: result.policy, source: '.self-heal.json', problems: [...problems, ...result.problems] };
  }
  // An unreadable settings.json is already reported by readWorkspaceSettings.
  const editor = await readJsoncObject(path.join(root, '.vscode', 'settings.json'));
  if (editor.json && 'selfHeal.policy' in editor.json) {
    const result = validatePolicy(editor.json['selfHeal.policy']);
    return { policy: result.policy, source: '.vscode/settings.json', problems: [...problems, ...result.problems] };
  }
  return { policy: DEFAULT_POLICY, source: 'defaults', problems };
}

export interface Decision {
  mode: PolicyMode;
  /** Why, one short sentence each, in the order the rules applied. */
  reasons: string[];
  /** The fix's files that a `neverEdit` pattern protects, each with the pattern. */
  protectedFiles?: string[];
}

/** Lines added plus lines removed in a unified diff. */
export function changedLines(diff: string): number {
  return diff.split('\n').filter((line) => /^[+-]/.test(line) && !/^(---|\+\+\+) ([ab]\/|\/dev\/null)/.test(line)).length;
}

/** The mutation guard's verdict on a fix: 'passed' only when it ran and the tests killed a mutant. */
function mutationGuard(outcome: HealOutcome): 'passed' | 'weak' | 'not run' {
  const report = outcome.fix?.evidence.guards?.find((g) => g.guard === 'mutation');
  if (!report?.mutants) return 'not run';
  return report.mutants.killed > 0 && !report.label ? 'passed' : 'weak';
}

/**
 * What to do with a heal under `policy`. The class picks the mode; then a fix on a `neverEdit`
 * path or one that edits tests needs review, and an auto-apply that does not clear the floor
 * becomes a suggestion. Rules only ever lower autonomy, never raise it.
 */
export function decide(policy: Policy, outcome: HealOutcome): Decision {
  const cls = outcome.diagnosis.class;
  const configured = policy.classes[cls];
  const mode = configured ?? policy.default;
  const reasons = [configured ? `selfHeal.policy.classes["${cls}"] is ${mode}` : `${cls} uses selfHeal.policy.default (${mode})`];
  const fix = outcome.fix;
  if (mode === 'off' || !fix) return { mode, reasons };

  const rules = ignore().add(policy.neverEdit);
  const protectedFiles = Object.keys(fix.after).flatMap((file) => {
    const hit = rules.test(file);
    return hit.ignored ? [`${file} matches neverEdit "${hit.rule?.pattern ?? '?'}"`] : [];
  });
  const labels = fix.candidate.labels ?? [];
  const needsReview = [
    ...protectedFiles,
    ...(fix.candidate.editsTests ? ['the fix edits a test file'] : []),
    ...labels.filter((l) => l === WEAKENS).map(() => 'the test-weakening guard says it weakens tests'),
  ];
  if (needsReview.length > 0) return { mode: 'review', reasons: [...reasons, ...needsReview.map((r) => `${r}: a person reviews it first`)], protectedFiles };
  if (mode !== 'autoApply') return { mode, reasons };
  // Whatever the floor says: when other verified fixes pass the tests just as well, the tests did
  // not choose this one, so a person must.
  const confidence = fix.evidence.confidence;
  if (confidence?.level === AMBIGUOUS)
    return { mode: 'suggest', reasons: [...reasons, `not auto-applied: it is ambiguous (${confidence.reasons.join('; ')})`] };

  const floor = policy.autoApplyFloor;
  const short: string[] = [];
  const guard = mutationGuard(outcome);
  if (floor.requireMutationGuard && guard !== 'passed') {
    short.push(
      guard === 'not run'
        ? 'no mutation guard ran on the changed lines (autoApplyFloor.requireMutationGuard)'
        : 'the mutation guard found the changed lines weakly tested',
    );
  }
  if (fix.evidence.suite.passed < floor.minSuiteTests)
    short.push(`only ${fix.evidence.suite.passed} passing test(s) verified it (autoApplyFloor.minSuiteTests is ${floor.minSuiteTests})`);
  const lines = changedLines(fix.diff);
  if (lines > floor.maxChangedLines) short.push(`it changes ${lines} lines (autoApplyFloor.maxChangedLines is ${floor.maxChangedLines})`);
  if (short.length > 0) return { mode: 'suggest', reasons: [...reasons, ...short.map((r) => `not auto-applied: ${r}`)] };
  return { mode, reasons: [...reasons, 'clears the auto-apply floor'] };
}

/** How a workspace's policy reaches a host: the validated policy, and whether it names its own `default`. */
export interface PolicySetting {
  policy: Policy;
  /** Whether the policy names a `default` mode itself; if not, selfHeal.mode = autoApply raises it. */
  namesDefault: boolean;
}

/** What a host does with one verified fix, and the words it shows with it. */
export interface FixTriage {
  mode: PolicyMode;
  /** Why, in the order the rules applied (decide()'s reasons, after the mode's). */
  reasons: string[];
  /** Shown next to the fix: its labels ('test edit', 'weakly tested', 'weakens tests', …) and 'needs review'. */
  notes: string[];
  /** Applied without asking: the policy says autoApply and the fix clears every rule. */
  autoApply: boolean;
  /** A person must confirm before it is applied: it weakens tests. */
  confirm: boolean;
  /** Why a bulk apply a person asked for (`self-heal heal --apply`) must not write it; undefined when it may. */
  notInBulk?: string;
}

export const NEEDS_REVIEW = 'needs review';
export const TEST_EDIT = 'test edit';

/**
 * The policy with `selfHeal.mode` folded in. `selfHeal.mode = autoApply` predates the policy: it
 * means "auto-apply what you can", so it raises the default mode of the classes the policy does
 * not name — unless the policy names a default itself, which is the more specific setting.
 */
function effectivePolicy(setting: PolicySetting, selfHealMode: string): { policy: Policy; raised: boolean } {
  if (selfHealMode !== 'autoApply' || setting.namesDefault || setting.policy.default === 'autoApply') return { policy: setting.policy, raised: false };
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
  const labels = [
    ...ambiguous,
    ...(fix.candidate.editsTests ? [TEST_EDIT] : []),
    ...(fix.candidate.labels ?? []),
    ...(fix.evidence.guards ?? []).flatMap((g) => (g.label ? [g.label] : [])),
  ];
  return [...new Set(labels)];
}

/** What may be done with bulk permission that the person gave up front, for the fixes it covers. */
export interface BulkAccept {
  testWeakening?: boolean;
  ambiguous?: boolean;
}

/**
 * The one policy decision every host acts on: the extension (lightbulb, auto-apply), `heal --apply`
 * and `ci` alike. `selfHealMode` is the editor's selfHeal.mode ('suggest' elsewhere).
 */
export function triage(setting: PolicySetting, selfHealMode: string, outcome: HealOutcome, accept: BulkAccept = {}): FixTriage {
  const effective = effectivePolicy(setting, selfHealMode);
  const decision = decide(effective.policy, outcome);
  const labels = fixLabels(outcome);
  const weakens = labels.includes(WEAKENS);
  const ambiguous = outcome.fix?.evidence.confidence?.level === AMBIGUOUS;
  const byMode = effective.raised && effective.policy.classes[outcome.diagnosis.class] === undefined;
  return {
    mode: decision.mode,
    reasons: [...(byMode ? ['selfHeal.mode is autoApply'] : []), ...decision.reasons],
    notes: decision.mode === 'review' ? [...labels, NEEDS_REVIEW] : labels,
    // decide() already sends a test weakening to review; this says the same in the place that acts
    // on it, so that no change to the rules can make a host apply one unasked.
    autoApply: decision.mode === 'autoApply' && !weakens && !ambiguous,
    confirm: weakens,
    notInBulk: bulkRefusal(decision, outcome, { weakens, ambiguous }, accept),
  };
}

/**
 * A bulk apply writes fixes nobody looked at one by one, so it skips what the policy keeps from
 * people's sight (off) or sends to a person (a neverEdit path), and what needs an explicit yes.
 */
function bulkRefusal(decision: Decision, outcome: HealOutcome, found: { weakens: boolean; ambiguous: boolean }, accept: BulkAccept): string | undefined {
  const fix = outcome.fix;
  if (!fix) return undefined;
  if (decision.mode === 'off') return `the policy is off for ${outcome.diagnosis.class}`;
  if (decision.protectedFiles?.length) return `${decision.protectedFiles.join('; ')}, so a person applies it after review`;
  if (found.weakens && !accept.testWeakening) {
    const finding = fix.evidence.guards?.find((g) => g.label === WEAKENS)?.findings[0] ?? 'see the diff';
    return `it ${WEAKENS} (${finding}); review it, then rerun with --accept-test-weakening to apply it`;
  }
  if (found.ambiguous && !accept.ambiguous) return `${confidenceText(fix.evidence.confidence)}; review it, then rerun with --accept-ambiguous to apply it`;
  return undefined;
}

/** The report as the policy lets people see it: the verified fix of a class that is `off` is dropped, with the reason. */
export function offeredUnderPolicy(
  report: HealReport,
  triageOf: (outcome: HealOutcome) => FixTriage,
  log?: (line: string) => void,
): { report: HealReport; off: string[] } {
  const off: string[] = [];
  const heals = report.heals.map((heal) => {
    if (!heal.fix) return heal;
    const decision = triageOf(heal);
    log?.(`policy: "${heal.fix.candidate.summary}" → ${decision.mode}: ${decision.reasons.join('; ')}`);
    if (decision.mode !== 'off') return heal;
    off.push(heal.id);
    return { ...heal, fix: undefined, reason: `${decision.reasons[0]}, so Self-Heal does not offer its fix` };
  });
  return { report: { ...report, heals }, off };
}
