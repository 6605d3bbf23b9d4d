/**
 * The reference outcomes of one bug: the project's own test command run several times on the
 * buggy and on the fixed version. A test that fails on every buggy run and passes on every fixed
 * run is what the bug breaks (the "revealing" tests). Tests that fail on both, or flip between
 * identical runs, are excused: no heal can be judged by them.
 */
import type { Failure, TestRun } from '../../src/core/model';
import type { TestRunner } from '../../src/core/ports';

export interface ReferenceOutcomes {
  /** Fail on every buggy run, pass on every fixed run. */
  revealing: string[];
  /** Pass on every buggy run: a heal must not make any of them fail. */
  stablePassing: string[];
  /** Fail on both versions, or change status between identical runs. */
  excused: string[];
  /** The failures of the first buggy run that belong to revealing tests (what the heal is asked to fix). */
  revealingFailures: Failure[];
  /** Wall time of each buggy run (the project's own suite time). */
  suiteMs: number[];
  buggyRuns: TestRun[];
  fixedRuns: TestRun[];
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Status of each test id in a run; a failure the runner reported without an outcome counts as failed. */
export function statuses(run: TestRun): Map<string, 'passed' | 'failed' | 'skipped'> {
  const out = new Map<string, 'passed' | 'failed' | 'skipped'>();
  for (const o of run.outcomes) out.set(o.id, o.status);
  for (const f of run.failures) out.set(f.id, 'failed');
  return out;
}

function always(runs: TestRun[], id: string, status: 'passed' | 'failed'): boolean {
  return runs.length > 0 && runs.every((r) => statuses(r).get(id) === status);
}

export async function referenceOutcomes(input: {
  runner: TestRunner;
  command: string;
  buggyDir: string;
  fixedDir: string;
  runs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<ReferenceOutcomes> {
  const runAll = async (cwd: string): Promise<TestRun[]> => {
    const runs: TestRun[] = [];
    for (let i = 0; i < input.runs; i++) runs.push(await input.runner.run({ cwd, command: input.command, timeoutMs: input.timeoutMs, signal: input.signal }));
    return runs;
  };
  const buggyRuns = await runAll(input.buggyDir);
  const fixedRuns = await runAll(input.fixedDir);
  const ids = new Set([...buggyRuns, ...fixedRuns].flatMap((r) => [...statuses(r).keys()]));
  const revealing: string[] = [];
  const stablePassing: string[] = [];
  const excused: string[] = [];
  for (const id of ids) {
    if (always(buggyRuns, id, 'failed') && always(fixedRuns, id, 'passed')) revealing.push(id);
    else if (always(buggyRuns, id, 'passed')) stablePassing.push(id);
    else if (buggyRuns.some((r) => statuses(r).get(id) === 'failed')) excused.push(id);
  }
  const revealingFailures = buggyRuns[0]?.failures.filter((f) => revealing.includes(f.id)) ?? [];
  return { revealing, stablePassing, excused, revealingFailures, suiteMs: buggyRuns.map((r) => r.ms), buggyRuns, fixedRuns };
}

/**
 * A heal repaired the bug when, in a run with the fix, every revealing test passes and no test
 * that passed on every buggy run fails. A revealing test the run did not report has not passed;
 * a run that reported nothing at all broke everything.
 */
export function repaired(reference: ReferenceOutcomes, run: TestRun): { repaired: boolean; stillFailing: string[]; broken: string[] } {
  const now = statuses(run);
  const stillFailing = reference.revealing.filter((id) => now.get(id) !== 'passed');
  const broken = reference.stablePassing.filter((id) => now.get(id) === 'failed' || run.outcomes.length === 0);
  return { repaired: stillFailing.length === 0 && broken.length === 0 && !run.timedOut, stillFailing, broken };
}

/** Ids polluted by stderr noise or terminal escapes: what "clean ids" rules out. */
const NOISE = /\(node:\d+\)|DeprecationWarning|Warning: |--trace-(deprecation|warnings)|\u001b\[|\bnpm (warn|WARN|ERR!|notice)\b/;

export function uncleanIds(run: TestRun): string[] {
  return [...statuses(run).keys()].filter((id) => NOISE.test(id));
}
