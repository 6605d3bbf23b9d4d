/**
 * Guards run after verification and never change a verdict: they add what a reviewer should know
 * to the evidence (GuardReport) and, when they find a weakness, a label on the candidate. The
 * policy (core/policy.ts) reads both: a test edit or a 'weakens tests' candidate goes to review,
 * and auto-apply needs a mutation guard that killed a mutant.
 */
import type { Candidate, Evidence, GuardReport } from '../model';

export { mutationGuard, WEAKLY_TESTED, type MutationGuardInput } from './mutation';
export { weakeningGuard, WEAKENS } from './weakening';

/** Record a guard's report in the evidence and its label on the candidate (copies; inputs stay as they were). */
export function attachGuard<T extends { candidate: Candidate; comparison?: { evidence: Evidence }; evidence?: Evidence }>(holder: T, report: GuardReport): T {
  const labels = [...new Set([...(holder.candidate.labels ?? []), ...(report.label ? [report.label] : [])])];
  const candidate = { ...holder.candidate, labels };
  const add = (e: Evidence): Evidence => ({ ...e, guards: [...(e.guards ?? []), report] });
  return {
    ...holder,
    candidate,
    ...(holder.comparison ? { comparison: { ...holder.comparison, evidence: add(holder.comparison.evidence) } } : {}),
    ...(holder.evidence ? { evidence: add(holder.evidence) } : {}),
  };
}
