/**
 * k-fold cross-validation of the offline engine (bench/README.md, "Cross-validation"): for each
 * fold, the priors are fitted on the other folds only (fit.ts), then the fold's cases are healed
 * with them. Every case is healed once, by the priors of the folds it was not in, so the pooled
 * figures estimate accuracy on code the parameters were not fitted on.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PRIOR_KEYS, type MutationPriors } from '../../src/core/healing/mutation/priors';
import { pool } from '../pool';
import { formatTable, summarize, type Summary } from '../report';
import type { BenchCase, CaseResult } from '../runCase';
import { countKinds, fitPriors, sumCounts, type KindCounts } from './fit';
import { folds } from './folds';

const MUTATION_SOURCES = path.join(__dirname, '..', '..', 'src', 'core', 'healing', 'mutation');

/**
 * Counts per case, cached in `cacheFile` under a hash of the engine's operators and the case: they
 * depend on which edits are proposed, not on their costs, so one computation serves every fold,
 * and refitting the costs in priors.ts (only its list of kinds is hashed) keeps the cache.
 */
export async function countsFor(cases: BenchCase[], cacheFile: string, log: (line: string) => void): Promise<Map<string, KindCounts>> {
  const engine = createHash('sha256').update(JSON.stringify(PRIOR_KEYS));
  for (const file of (await fs.readdir(MUTATION_SOURCES)).sort()) if (file !== 'priors.ts') engine.update(await fs.readFile(path.join(MUTATION_SOURCES, file)));
  const engineHash = engine.digest('hex');
  const keyOf = (c: BenchCase): string =>
    createHash('sha256').update(engineHash).update(c.files[c.target]).update(JSON.stringify(c.references)).update(c.driver).digest('hex');
  let cache: Record<string, KindCounts> = {};
  try {
    cache = JSON.parse(await fs.readFile(cacheFile, 'utf8')) as Record<string, KindCounts>;
  } catch {
    // No cache yet (or an unreadable one): count afresh.
  }
  const out = new Map<string, KindCounts>();
  let counted = 0;
  for (const c of cases) {
    const key = keyOf(c);
    cache[key] ??= await countKinds(c);
    out.set(c.id, cache[key]);
    if (++counted % 10 === 0) log(`fit: counted the edits of ${counted}/${cases.length} case(s)`);
  }
  await fs.mkdir(path.dirname(cacheFile), { recursive: true });
  await fs.writeFile(cacheFile, JSON.stringify(cache));
  return out;
}

export interface FoldRun {
  fold: number;
  priors: MutationPriors;
  results: CaseResult[];
}

export async function crossValidate(
  cases: BenchCase[],
  k: number,
  counts: Map<string, KindCounts>,
  jobs: number,
  heal: (c: BenchCase, priors: MutationPriors) => Promise<CaseResult>,
): Promise<FoldRun[]> {
  const held = folds(cases, (c) => c.id, k);
  const priors = held.map((fold) => {
    const heldIds = new Set(fold.map((c) => c.id));
    return fitPriors(sumCounts(cases.filter((c) => !heldIds.has(c.id)).map((c) => counts.get(c.id)!)));
  });
  const work = held.flatMap((fold, index) => fold.map((c) => ({ c, index })));
  const results = await pool(work, jobs, ({ c, index }) => heal(c, priors[index]));
  return held.map((_, index) => ({ fold: index, priors: priors[index], results: results.filter((_r, i) => work[i].index === index) }));
}

/** One row per held-out fold, then the pooled row: the headline figures. */
export function foldSummaries(runs: FoldRun[]): Summary[] {
  return [
    ...runs.map((r) => summarize(`fold ${r.fold} of ${runs.length}`, r.results)),
    summarize(
      'pooled (held out)',
      runs.flatMap((r) => r.results),
    ),
  ];
}

export function formatFolds(title: string, runs: FoldRun[]): string {
  return formatTable(title, foldSummaries(runs));
}

/** The fitted costs side by side, one column per fold: how much the parameters move between folds. */
export function formatPriors(runs: FoldRun[], shipped: MutationPriors): string {
  const header = ['kind', 'shipped', ...runs.map((r) => `fold ${r.fold}`)];
  const rows = PRIOR_KEYS.map((k) => [k, shipped[k].toFixed(2), ...runs.map((r) => r.priors[k].toFixed(2))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return ['Priors fitted on the training folds (cost; lower is tried first):', line(header), ...rows.map(line)].join('\n');
}
