/**
 * The most similar past heals from the ledger, shown as worked examples: same file first, then by
 * how much the failure messages share (Jaccard over words). Reverted heals are left out — the
 * user undid them, so they are not examples to follow.
 */
import type { Failure, HealRecord } from '../../model';

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z_$][\w$]{2,}/g) ?? []);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

export function similarHeals(records: HealRecord[], failures: Failure[], files: string[], max = 3): HealRecord[] {
  const reverted = new Set(records.filter((r) => r.kind === 'revert' && r.reverts).map((r) => r.reverts));
  const message = words(failures.map((f) => `${f.name} ${f.message}`).join(' '));
  return records
    .filter((r) => r.kind === 'apply' && !reverted.has(r.id))
    .map((r) => {
      const sameFile = Object.keys(r.after).some((f) => files.includes(f)) ? 0.5 : 0;
      return { r, score: sameFile + jaccard(message, words(r.failures.map((f) => f.message).join(' ') + ' ' + r.summary)) };
    })
    .filter((s) => s.score >= 0.15)
    .sort((a, b) => b.score - a.score)
    .slice(0, max)
    .map((s) => s.r);
}
