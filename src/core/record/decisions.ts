/**
 * Learning from decisions (paper §5.2, the feedback loop): what people did with proposed heals —
 * accepted, rejected, reverted — is kept in the ledger, summarised as an acceptance rate, and
 * turned into a cost adjustment per mutation operator so that operators whose fixes people keep
 * are tried earlier next time, and those they throw away later.
 *
 * An apply record already means "accepted" and a revert record "reverted"; a decision record
 * (kind 'decision') adds what those cannot say, above all "rejected". The latest word on a heal
 * wins: a heal applied and later reverted counts as reverted.
 */
import { randomBytes } from 'node:crypto';
import type { HealOutcome } from '../api';
import type { Candidate, HealRecord } from '../model';
import { healRecordFor } from './healRecord';
import type { Ledger } from '../ports';
import { changeKey } from '../healing/ranking/discarded';

export type Verdict = 'accepted' | 'rejected' | 'reverted';

/** The final word on one heal. */
export interface DecidedHeal {
  heal: string;
  verdict: Verdict;
  engine: HealRecord['engine'];
  operator: string;
  class: HealRecord['diagnosis']['class'];
  at: string;
}

/** A decision record for a heal that was proposed (an outcome with a fix) or applied (its record). */
export function decisionRecord(about: HealOutcome | HealRecord, verdict: Verdict, workspace: string, note?: string): HealRecord {
  const base = 'kind' in about ? about : { ...healRecordFor(about, workspace, 'decision'), tried: [] };
  // The heal decided on: an outcome's or apply's own id, the heal a revert undid, or the same heal again.
  const of = !('kind' in about) || about.kind === 'apply' ? about.id : about.kind === 'revert' ? (about.reverts ?? about.id) : (about.decision?.of ?? about.id);
  return {
    ...base,
    id: `d-${randomBytes(4).toString('hex')}`,
    kind: 'decision',
    at: new Date().toISOString(),
    reverts: undefined,
    decision: { verdict, of, ...(note ? { note } : {}) },
  };
}

/** Record what a person did with a heal (e.g. the extension's Discard, or a CI branch closed unmerged). */
export async function recordDecision(ledger: Ledger, about: HealOutcome | HealRecord, verdict: Verdict, workspace: string, note?: string): Promise<HealRecord> {
  const record = decisionRecord(about, verdict, workspace, note);
  await ledger.append(record);
  return record;
}

/** The latest verdict on each heal, oldest first. */
export function decidedHeals(records: HealRecord[]): DecidedHeal[] {
  const byHeal = new Map<string, DecidedHeal>();
  const applied = new Map(records.filter((r) => r.kind === 'apply').map((r) => [r.id, r]));
  for (const r of records) {
    let heal: string | undefined;
    let verdict: Verdict | undefined;
    if (r.kind === 'apply') [heal, verdict] = [r.id, 'accepted'];
    else if (r.kind === 'revert' && r.reverts) [heal, verdict] = [r.reverts, 'reverted'];
    else if (r.kind === 'decision' && r.decision) [heal, verdict] = [r.decision.of, r.decision.verdict];
    if (!heal || !verdict) continue;
    // A revert record is a copy of the apply it undid, but its `at` is its own.
    const about = applied.get(heal) ?? r;
    byHeal.delete(heal); // re-insert so that the order follows the latest word
    byHeal.set(heal, { heal, verdict, engine: about.engine, operator: about.operator, class: about.diagnosis.class, at: r.at });
  }
  return [...byHeal.values()];
}

export interface Tally {
  accepted: number;
  rejected: number;
  reverted: number;
  decided: number;
  /** accepted / decided, or undefined when nothing was decided. */
  rate?: number;
}

export interface DecisionStats {
  overall: Tally;
  byClass: Array<{ key: string } & Tally>;
  byEngine: Array<{ key: string } & Tally>;
  /** Mutation operators only, with the cost adjustment the next search applies. */
  byOperator: Array<{ key: string; adjustment: number } & Tally>;
}

function tally(decided: DecidedHeal[]): Tally {
  const count = (v: Verdict): number => decided.filter((d) => d.verdict === v).length;
  const t = { accepted: count('accepted'), rejected: count('rejected'), reverted: count('reverted'), decided: decided.length };
  return { ...t, rate: t.decided > 0 ? t.accepted / t.decided : undefined };
}

function groupTally(decided: DecidedHeal[], key: (d: DecidedHeal) => string[]): Array<{ key: string } & Tally> {
  const groups = new Map<string, DecidedHeal[]>();
  for (const d of decided) for (const k of key(d)) groups.set(k, [...(groups.get(k) ?? []), d]);
  return [...groups].map(([k, ds]) => ({ key: k, ...tally(ds) })).sort((a, b) => b.decided - a.decided || a.key.localeCompare(b.key));
}

/** A two-edit candidate's operator is `a+b`: each part shares the credit. */
const operatorParts = (operator: string): string[] => operator.split('+').filter(Boolean);

export function decisionStats(records: HealRecord[]): DecisionStats {
  const decided = decidedHeals(records);
  const adjustments = operatorAdjustments(records);
  return {
    overall: tally(decided),
    byClass: groupTally(decided, (d) => [d.class]),
    byEngine: groupTally(decided, (d) => [d.engine]),
    byOperator: groupTally(
      decided.filter((d) => d.engine === 'mutation'),
      (d) => operatorParts(d.operator),
    ).map((t) => ({ ...t, adjustment: adjustments.get(t.key) ?? 0 })),
  };
}

/**
 * The largest shift in candidate cost that decisions can cause. Operator priors differ by 0.1–1
 * (mutation/priors.ts) and a location's suspicion adds up to 1, so ±0.5 reorders operators of
 * similar prior without letting history override where the failure points.
 */
export const MAX_SHIFT = 0.5;

/**
 * Cost adjustment per mutation operator: negative (tried earlier) when people keep its fixes,
 * positive when they reject or revert them. Smoothed, (kept − thrown) / (decided + 2), so one
 * decision moves an operator by a third of MAX_SHIFT and a long record by up to all of it.
 */
export function operatorAdjustments(records: HealRecord[]): Map<string, number> {
  const counts = new Map<string, { kept: number; thrown: number }>();
  for (const d of decidedHeals(records)) {
    if (d.engine !== 'mutation') continue;
    for (const op of operatorParts(d.operator)) {
      const c = counts.get(op) ?? { kept: 0, thrown: 0 };
      if (d.verdict === 'accepted') c.kept++;
      else c.thrown++;
      counts.set(op, c);
    }
  }
  const out = new Map<string, number>();
  for (const [op, c] of counts) out.set(op, (-MAX_SHIFT * (c.kept - c.thrown)) / (c.kept + c.thrown + 2));
  return out;
}

/** Candidates re-ordered by their decision-adjusted cost (stable for equal costs); the input is not changed. */
export function orderByDecisions(candidates: Candidate[], adjustments: Map<string, number>): Candidate[] {
  if (adjustments.size === 0) return candidates;
  return candidates
    .map((c, index) => ({ c: { ...c, cost: c.cost + operatorParts(c.operator).reduce((sum, op) => sum + (adjustments.get(op) ?? 0), 0) }, index }))
    .sort((a, b) => a.c.cost - b.c.cost || a.index - b.index)
    .map((x) => x.c);
}

/** Change keys of the heals whose latest verdict is "rejected", with their summaries for messages. */
export function discardedChanges(records: HealRecord[]): Map<string, string> {
  const rejected = new Set(
    decidedHeals(records)
      .filter((d) => d.verdict === 'rejected')
      .map((d) => d.heal),
  );
  const out = new Map<string, string>();
  for (const r of records) {
    if (r.kind === 'decision' && r.decision && rejected.has(r.decision.of)) out.set(changeKey(r.before, r.after), r.summary);
  }
  return out;
}
