/**
 * The words users read: quick-fix titles, the heal summary, history descriptions, token counts.
 * Pure, so the exact wording is pinned by unit tests and shared by the lightbulb, the quick pick,
 * the tree and the log.
 *
 * The core writes its messages for Markdown and terminals (`code` in backticks). Menus, toasts,
 * tab titles and tree rows are plain text, where backticks show literally (issue 15 §8), so text
 * bound for them passes through `plain` once, here or in notify.ts, never by rewording the core.
 */
import type { HealOutcome, HealReport, VerifiedFix } from '../core/api';
import type { Evidence, HealRecord } from '../core/model';
import type { Prompt } from './confirm';
import type { FixTriage } from './policy';
import { AMBIGUOUS, confidenceText } from '../core/api';

export interface Tokens {
  input: number;
  output: number;
}

/** Backtick code spans as quoted text: "replace `-` with `+`" → "replace '-' with '+'". */
export function plain(text: string): string {
  return text.replace(/`([^`\n]+)`/g, "'$1'").replace(/`/g, '');
}

/**
 * A fix's summary where a person reads it next to a file: when the fix edits another file than
 * `shownIn` (a quick fix on the test's assertion, a toast), it names the file it edits, so "on
 * line 5" is not read as a line of the file under the cursor.
 */
export function fixSummary(summary: string, edited: string[], shownIn?: string): string {
  const text = plain(summary);
  const others = edited.filter((file) => file !== shownIn);
  if (others.length === 0) return text;
  const files = edited.join(', ');
  return / on lines? [\d, –-]+$/.test(text) ? `${text} of ${files}` : `${text}, in ${files}`;
}

/** "(✓ 3/3 tests)": the whole suite passed in the sandbox, not just the targeted test. */
export function evidenceBadge(evidence: Evidence): string {
  return `✓ ${evidence.suite.passed}/${evidence.suite.total} tests`;
}

/** "✓ 3/3 tests · weakly tested · needs review": the evidence, then what a reviewer must know. */
export function fixBadge(evidence: Evidence, notes: string[] = []): string {
  return [evidenceBadge(evidence), ...notes].join(' · ');
}

export function fixTitle(summary: string, evidence: Evidence, notes: string[] = []): string {
  return `Self-Heal: ${plain(summary)} (${fixBadge(evidence, notes)})`;
}

/** One line per guard that ran on a fix: "mutation guard: 1/1 mutants killed; …", "test-weakening guard (weakens tests): …". */
export function guardDetail(evidence: Evidence): string[] {
  return (evidence.guards ?? []).map((g) => {
    const mutants = g.mutants ? [`${g.mutants.killed}/${g.mutants.ran} mutant${g.mutants.ran === 1 ? '' : 's'} killed`] : [];
    const findings = [...mutants, ...g.findings.map(plainFinding)];
    return `${g.guard} guard${g.label ? ` (${g.label})` : ''}: ${findings.length ? findings.join('; ') : 'nothing found'}`;
  });
}

/**
 * A guard that could not run says so in words a user can act on; the loader's own error (a
 * package name, "Cannot find package …") is for the log, where the guard's debug line keeps it.
 */
export function plainFinding(finding: string): string {
  const notRun = /^[\w-]+ guard not run: .* could not be loaded or could not parse the fixed file \((.*)\)$/.exec(finding);
  if (!notRun) return plain(finding);
  const missing = /Cannot find (package|module)|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND/.test(notRun[1]!);
  // guardDetail names the guard already ("mutation guard: not run: …").
  return missing
    ? 'not run: a part of Self-Heal it needs is missing from this installation (reinstalling Self-Heal should bring it back)'
    : 'not run: it could not read the fixed file, so it could not check how well the tests cover the change';
}

/** The longer story of a fix, for tooltips and quick-pick details: evidence and engine, each guard, the policy's decision. */
export function fixDetail(fix: VerifiedFix, triage: Pick<FixTriage, 'mode' | 'reasons'>): string[] {
  return [
    `${evidenceDetail(fix.evidence)} (${engineBadge(fix.candidate.engine, fix.candidate.tokens)})`,
    ...guardDetail(fix.evidence),
    ...alternativesDetail(fix),
    `policy: ${triage.mode} (${triage.reasons.join('; ')})`,
  ].map(plain);
}

/** "also verified, ranked below: drop `- 1` on line 2; …": what else passed the tests, so a reviewer can weigh the choice. */
export function alternativesDetail(fix: Pick<VerifiedFix, 'alternatives'>): string[] {
  const others = fix.alternatives ?? [];
  if (others.length === 0) return [];
  const shown = others.slice(0, 3).map((a) => a.summary);
  return [`also verified, ranked below: ${shown.join('; ')}${others.length > shown.length ? `; and ${others.length - shown.length} more` : ''}`];
}

export const APPLY_ANYWAY = 'Apply Anyway';

/** The modal before a fix that weakens tests is applied: what the test-weakening guard found, and what applying means. */
export function weakeningPrompt(outcome: HealOutcome): Prompt {
  const fix = outcome.fix!;
  const findings = (fix.evidence.guards ?? []).filter((g) => g.guard === 'test-weakening').flatMap((g) => g.findings.filter((f) => !f.startsWith('note: ')));
  return {
    message: `Self-Heal: "${plain(fix.candidate.summary)}" weakens tests. Apply it anyway?`,
    detail: [
      ...findings.map((f) => `• ${plain(f)}`),
      `It edits ${Object.keys(fix.after).join(', ')}. The tests pass with it partly because they now ask less of the code. Apply it only if the old check was wrong; otherwise discard it and fix the code.`,
    ].join('\n'),
    confirm: APPLY_ANYWAY,
  };
}

export function evidenceDetail(evidence: Evidence): string {
  const targeted = `fixes ${evidence.targeted.passed}/${evidence.targeted.total} failing test${evidence.targeted.total === 1 ? '' : 's'}`;
  const suite = `${evidence.suite.passed}/${evidence.suite.total} tests pass in the sandbox`;
  return `${targeted}; ${suite}${evidence.suite.newlyFailing.length ? `; newly failing: ${evidence.suite.newlyFailing.join(', ')}` : ''}`;
}

export function verifiedFixes(heals: HealOutcome[]): HealOutcome[] {
  return heals.filter((heal) => heal.fix);
}

export function healSummary(report: Pick<HealReport, 'baseline' | 'heals' | 'ms'>, applied: number): string {
  const failing = report.baseline.failed;
  if (failing === 0) return `Self-Heal: all ${report.baseline.passed} tests pass; nothing to heal.`;
  const verified = verifiedFixes(report.heals).length;
  const seconds = (report.ms / 1000).toFixed(1);
  const tests = `${failing} failing test${failing === 1 ? '' : 's'}`;
  if (verified === 0) {
    const reason = report.heals.find((heal) => heal.reason)?.reason;
    return `Self-Heal: no verified fix for ${tests} (${seconds}s)${reason ? `: ${reason}` : '.'}`;
  }
  const fixes = `${verified} verified fix${verified === 1 ? '' : 'es'}`;
  return applied > 0 ? `Self-Heal: applied ${applied} of ${fixes} for ${tests} (${seconds}s).` : `Self-Heal: ${fixes} for ${tests} (${seconds}s).`;
}

/** How long ago, in the coarse words a history list needs. */
export function ago(at: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** Grouped the same way everywhere ("1,234"), so the history and the log read alike. */
const count = new Intl.NumberFormat('en-US');

function total(tokens: Tokens | undefined): number {
  return (tokens?.input ?? 0) + (tokens?.output ?? 0);
}

export function tokenCount(tokens: Tokens): string {
  const n = total(tokens);
  return `${count.format(n)} token${n === 1 ? '' : 's'}`;
}

/** "1,234 tokens (1,000 in / 234 out)". */
export function tokenDetail(tokens: Tokens): string {
  return `${tokenCount(tokens)} (${count.format(tokens.input)} in / ${count.format(tokens.output)} out)`;
}

/** Which engine made a fix and, for the LLM, what it cost: "llm · 1,234 tokens", "mutation". */
export function engineBadge(engine: string, tokens: Tokens | undefined): string {
  return tokens && total(tokens) > 0 ? `${engine} · ${tokenCount(tokens)}` : engine;
}

/** Tokens spent by a heal session, fixed or not: an attempt the tests rejected was paid for too. */
export function spentTokens(heals: Array<{ tokens?: Tokens }>): Tokens {
  return heals.reduce<Tokens>((sum, heal) => ({ input: sum.input + (heal.tokens?.input ?? 0), output: sum.output + (heal.tokens?.output ?? 0) }), {
    input: 0,
    output: 0,
  });
}

/** The log line after a heal that used the LLM: this heal and the running total of the VS Code session. */
export function tokenLog(heal: Tokens, session: Tokens): string {
  return `LLM tokens: ${tokenDetail(heal)} for this heal; ${tokenDetail(session)} this session`;
}

export function historyDescription(record: Pick<HealRecord, 'file' | 'engine' | 'tokens' | 'evidence' | 'at'>, reverted: boolean, now: number): string {
  const parts = [
    record.file,
    engineBadge(record.engine, record.tokens),
    evidenceBadge(record.evidence),
    ...(record.evidence.confidence?.level === AMBIGUOUS ? [confidenceText(record.evidence.confidence)] : []),
    ago(record.at, now),
  ];
  if (reverted) parts.push('reverted');
  return parts.join(' · ');
}
