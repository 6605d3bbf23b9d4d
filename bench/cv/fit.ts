/**
 * Fitting the mutation engine's priors (src/core/healing/mutation/priors.ts) from training cases
 * only. For each case, every single edit the engine proposes on the buggy file is counted under
 * the prior that priced it. It is a hit when the edited module behaves like a reference: on the
 * inputs the case's tests pass to it and on their neighbours, as the grader judges, in process.
 * A kind's precision, hits / proposals, smoothed toward the pooled precision of all kinds (the
 * uniform prior), becomes a cost: the likelier a kind's edit is the fix, the sooner it is tried.
 * No test command runs, so fitting takes about a second per case, and it never sees held-out cases.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parse } from '../../src/core/analysis/treeSitter';
import { applyEdits } from '../../src/core/edits';
import { mutationsIn, NO_HINTS } from '../../src/core/healing/mutation/operators';
import { PRIOR_KEYS, type MutationPriors, type PriorKey } from '../../src/core/healing/mutation/priors';
import { Implementation, record } from '../grading/behaviour';
import { inputsFrom, sameValue, type Encoded } from '../grading/values';
import type { BenchCase } from '../runCase';

export interface KindCounts {
  proposals: Record<PriorKey, number>;
  hits: Record<PriorKey, number>;
  /** Edits that agree with the reference on the tests' own inputs but not on their neighbours: the overfitting kind (reported, not fitted). */
  lookalikes: Record<PriorKey, number>;
}

/**
 * The fitting's own parameters, fixed and documented rather than tuned: `pseudoHits` is the weight
 * of the uniform prior, as that many hits at the pooled rate (a kind with few hits stays near the
 * pooled precision), `scale` turns a factor of e in precision into that much cost (about the spread
 * of a location's suspicion, which is added to the prior), and `base` is the likeliest kind's cost.
 */
export const FIT = { pseudoHits: 2, scale: 0.4, base: 1 };

const zero = (): Record<PriorKey, number> => Object.fromEntries(PRIOR_KEYS.map((k) => [k, 0])) as Record<PriorKey, number>;
/** Packages a case requires (js-md5) resolve from the repository's devDependencies. */
const repoRequire = createRequire(path.join(__dirname, '..', '..', 'index.js'));
/** Generous for the reference (a loaded machine must not shrink its domain); short for candidates, where a loop is common. */
const REFERENCE_TIMEOUT_MS = 250;
const CANDIDATE_TIMEOUT_MS = 100;

interface Probe {
  entry: string;
  args: Encoded[];
  expected: Encoded;
}

/** The reference's answers on the recorded inputs (`tests`) and on their neighbours (`beyond`). */
function probes(c: BenchCase, reference: string): { tests: Probe[]; beyond: Probe[] } {
  const request = { reference, entries: c.entries, driver: c.driver, callTimeoutMs: REFERENCE_TIMEOUT_MS, budgetMs: 10_000 };
  const recorded = record(request, repoRequire);
  const implementation = new Implementation(reference, REFERENCE_TIMEOUT_MS, repoRequire);
  const tests: Probe[] = [];
  const beyond: Probe[] = [];
  for (const [entry, calls] of recorded) {
    inputsFrom(calls, 300, 300).forEach((args, index) => {
      const answer = implementation.call(entry, args);
      // Inputs outside the reference's domain (it throws or loops) say nothing, as in the grader.
      if ('value' in answer) (index < calls.length ? tests : beyond).push({ entry, args, expected: answer.value });
    });
  }
  return { tests, beyond };
}

function agrees(implementation: Implementation, list: Probe[]): boolean {
  return list.every((p) => {
    const actual = implementation.call(p.entry, p.args);
    return 'value' in actual && sameValue(p.expected, actual.value);
  });
}

function load(source: string): Implementation | undefined {
  try {
    return new Implementation(source, CANDIDATE_TIMEOUT_MS, repoRequire);
  } catch {
    return undefined;
  }
}

export async function countKinds(c: BenchCase): Promise<KindCounts> {
  const counts = { proposals: zero(), hits: zero(), lookalikes: zero() };
  const buggy = c.files[c.target];
  let reference: { tests: Probe[]; beyond: Probe[] };
  try {
    reference = probes(c, c.references[0]);
  } catch {
    return counts; // the reference does not load here: this case teaches nothing
  }
  if (reference.tests.length === 0) return counts;
  const tree = await parse(c.target, buggy);
  if (!tree) return counts;
  try {
    for (const m of mutationsIn(tree.rootNode, buggy, NO_HINTS)) {
      counts.proposals[m.prior]++;
      const patched = load(applyEdits(buggy, [{ start: m.start, end: m.end, newText: m.text }]));
      if (!patched || !agrees(patched, reference.tests)) continue;
      if (agrees(patched, reference.beyond)) counts.hits[m.prior]++;
      else counts.lookalikes[m.prior]++;
    }
  } finally {
    tree.delete();
  }
  return counts;
}

export function sumCounts(all: KindCounts[]): KindCounts {
  const total = { proposals: zero(), hits: zero(), lookalikes: zero() };
  for (const c of all) {
    for (const k of PRIOR_KEYS) {
      total.proposals[k] += c.proposals[k];
      total.hits[k] += c.hits[k];
      total.lookalikes[k] += c.lookalikes[k];
    }
  }
  return total;
}

export function fitPriors(counts: KindCounts, fit = FIT): MutationPriors {
  const proposals = PRIOR_KEYS.reduce((n, k) => n + counts.proposals[k], 0);
  const hits = PRIOR_KEYS.reduce((n, k) => n + counts.hits[k], 0);
  // With no hits at all there is nothing to learn: every kind gets the same cost.
  if (hits === 0) return Object.fromEntries(PRIOR_KEYS.map((k) => [k, fit.base])) as Record<PriorKey, number>;
  const pooled = hits / proposals;
  const precision = (k: PriorKey): number => (counts.hits[k] + fit.pseudoHits) / (counts.proposals[k] + fit.pseudoHits / pooled);
  const best = Math.max(...PRIOR_KEYS.map(precision));
  const round = (x: number): number => Math.round(x * 100) / 100;
  return Object.fromEntries(PRIOR_KEYS.map((k) => [k, round(fit.base + fit.scale * Math.log(best / precision(k)))])) as Record<PriorKey, number>;
}

/** The counts and the costs fitted from them, as a table and as the object literal for priors.ts. */
export function formatFit(counts: KindCounts, fit = FIT): string {
  const priors = fitPriors(counts, fit);
  const rows = PRIOR_KEYS.map(
    (k) =>
      `${k.padEnd(18)} ${String(counts.hits[k]).padStart(5)} ${String(counts.lookalikes[k]).padStart(10)} ${String(counts.proposals[k]).padStart(9)} ${priors[k].toFixed(2).padStart(6)}`,
  );
  return [
    `${'kind'.padEnd(18)} ${'hits'.padStart(5)} ${'lookalikes'.padStart(10)} ${'proposals'.padStart(9)} ${'cost'.padStart(6)}`,
    ...rows,
    '',
    'export const DEFAULT_PRIORS: MutationPriors = {',
    ...PRIOR_KEYS.map((k) => `  ${k}: ${priors[k]},`),
    '};',
  ].join('\n');
}
