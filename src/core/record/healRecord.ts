/** A ledger record of a verified fix: what was wrong, what was tried, what changed, and the proof. */
import type { HealOutcome } from '../api';
import { SelfHealError, type HealRecord } from '../model';

export function healRecordFor(outcome: HealOutcome, workspace: string, kind: HealRecord['kind']): HealRecord {
  const fix = outcome.fix;
  if (!fix) throw new SelfHealError('NOT_FOUND', 'This heal has no verified fix.');
  return {
    id: outcome.id,
    kind,
    at: new Date().toISOString(),
    workspace,
    file: Object.keys(fix.after)[0],
    summary: fix.candidate.summary,
    engine: fix.candidate.engine,
    operator: fix.candidate.operator,
    diff: fix.diff,
    edits: fix.candidate.edits,
    before: fix.before,
    after: fix.after,
    failures: outcome.failures.map((f) => ({ id: f.id, message: f.message.slice(0, 500) })),
    diagnosis: {
      class: outcome.diagnosis.class,
      evidence: outcome.diagnosis.evidence,
      locations: outcome.diagnosis.locations.slice(0, 5).map((l) => `${l.file}:${l.line + 1} (${l.why})`),
    },
    tried: outcome.tried.slice(0, 50).map((v) => ({ summary: v.summary ?? v.candidateId, status: v.status, reason: v.reason })),
    evidence: fix.evidence,
    tokens: fix.candidate.tokens ?? outcome.tokens,
    ms: outcome.ms,
  };
}
