/** `self-heal history --stats`: what people did with the heals, and what the next search learns from it. */
import type { DecisionStats, Tally } from '../../core/api';

const percent = (t: Tally): string => (t.rate === undefined ? '–' : `${Math.round(t.rate * 100)}%`);

function table(title: string, rows: Array<{ key: string } & Tally>, extra?: (key: string) => string): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(title.length, ...rows.map((r) => r.key.length));
  const head = `${title.padEnd(width)}  accepted  rejected  reverted  rate`;
  return [
    '',
    head,
    ...rows.map(
      (r) =>
        `${r.key.padEnd(width)}  ${String(r.accepted).padStart(8)}  ${String(r.rejected).padStart(8)}  ${String(r.reverted).padStart(8)}  ${percent(r).padStart(4)}${extra ? extra(r.key) : ''}`,
    ),
  ];
}

export function formatStats(stats: DecisionStats): string {
  const o = stats.overall;
  if (o.decided === 0) return 'No decisions recorded yet: apply, revert or reject a heal and it counts here.\n';
  const adjustment = new Map(stats.byOperator.map((r) => [r.key, r.adjustment]));
  const shift = (key: string): string => {
    const a = adjustment.get(key) ?? 0;
    return a === 0 ? '' : `  ${a < 0 ? 'tried earlier' : 'tried later'} (${a > 0 ? '+' : ''}${a.toFixed(2)} cost)`;
  };
  const lines = [
    `Acceptance rate: ${percent(o)} (${o.accepted} of ${o.decided} decided heal${o.decided === 1 ? '' : 's'} kept; ${o.rejected} rejected, ${o.reverted} reverted)`,
    ...table('failure class', stats.byClass),
    ...table('engine', stats.byEngine),
    ...table('mutation operator', stats.byOperator, shift),
  ];
  return lines.join('\n') + '\n';
}
