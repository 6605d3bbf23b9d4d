/**
 * The figures the issue asks for (issue 5), per class and overall, from per-case results: rates,
 * time to a verified fix, candidates and test runs; plus the machine they were measured on.
 */
import * as os from 'node:os';
import type { CaseResult } from './runCase';

export interface Summary {
  label: string;
  tasks: number;
  plausible: number;
  correct: number;
  overfit: number;
  /** Shares of tasks, except overfitPct, which is a share of the heals (plausible fixes). */
  plausiblePct: number;
  correctPct: number;
  overfitPct: number;
  errors: number;
  /** Heals whose evidence shows a test that passed before and fails after: must be 0. */
  regressions: number;
  /** Fixes that failed their own test command when run outside Self-Heal. */
  recheckFailures: number;
  /** Fixes the grader could not judge (budget ran out, grader failed): counted as not correct. */
  gradeUnknown: number;
  /** Wrong (overfit) fixes that Self-Heal itself labelled ambiguous: never auto-applied, shown with a warning. */
  overfitAmbiguous: number;
  /** Correct fixes labelled ambiguous: the price of the label (a person confirms a right fix). */
  correctAmbiguous: number;
  timeToFixMs: { median: number | null; p95: number | null };
  perTaskMs: { median: number | null; p95: number | null };
  guardMs: { median: number | null; p95: number | null };
  candidatesMedian: number | null;
  testRunsMedian: number | null;
  testRunsTotal: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  memoryGb: number;
}

export function machine(): Machine {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** Nearest-rank percentile: a value that actually occurred, never an interpolation. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const pct = (n: number, of: number): number => (of === 0 ? 0 : Math.round((1000 * n) / of) / 10);

export function summarize(label: string, results: CaseResult[]): Summary {
  const plausible = results.filter((r) => r.plausible);
  const correct = results.filter((r) => r.correct).length;
  const overfit = results.filter((r) => r.overfit).length;
  // Time to the verified fix: the wall time of the heal less the mutation guard that follows it.
  const fixTimes = plausible.map((r) => r.ms - (r.guardMs ?? 0));
  const allTimes = results.map((r) => r.ms);
  return {
    label,
    tasks: results.length,
    plausible: plausible.length,
    correct,
    overfit,
    plausiblePct: pct(plausible.length, results.length),
    correctPct: pct(correct, results.length),
    overfitPct: pct(overfit, plausible.length),
    errors: results.filter((r) => r.status === 'error').length,
    regressions: results.filter((r) => r.regressions.length > 0).length,
    recheckFailures: plausible.filter((r) => r.rechecked === false).length,
    gradeUnknown: plausible.filter((r) => r.grade?.unknown).length,
    overfitAmbiguous: results.filter((r) => r.overfit && r.fix?.confidence === 'ambiguous').length,
    correctAmbiguous: results.filter((r) => r.correct && r.fix?.confidence === 'ambiguous').length,
    timeToFixMs: { median: percentile(fixTimes, 50), p95: percentile(fixTimes, 95) },
    perTaskMs: { median: percentile(allTimes, 50), p95: percentile(allTimes, 95) },
    guardMs: {
      median: percentile(
        plausible.map((r) => r.guardMs ?? 0),
        50,
      ),
      p95: percentile(
        plausible.map((r) => r.guardMs ?? 0),
        95,
      ),
    },
    candidatesMedian: percentile(
      results.map((r) => r.candidatesTried),
      50,
    ),
    testRunsMedian: percentile(
      results.map((r) => r.testRuns),
      50,
    ),
    testRunsTotal: results.reduce((n, r) => n + r.testRuns, 0),
  };
}

/** One row per class (largest first), then the overall row. */
export function summarizeByClass(results: CaseResult[]): { byClass: Summary[]; overall: Summary } {
  const classes = new Map<string, CaseResult[]>();
  for (const r of results) classes.set(r.bugType, [...(classes.get(r.bugType) ?? []), r]);
  const byClass = [...classes].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).map(([label, rs]) => summarize(label, rs));
  return { byClass, overall: summarize('overall', results) };
}

const seconds = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)}s`);

export function formatTable(title: string, rows: Summary[]): string {
  const header = [
    'class',
    'tasks',
    'plausible',
    'correct',
    'overfit',
    'fix med',
    'fix p95',
    'guard med',
    'task med',
    'task p95',
    'cand med',
    'runs med',
    'recheck✗',
    'unknown',
    'wrong⚠',
    'right⚠',
    'errors',
    'regress',
  ];
  const cells = rows.map((s) => [
    s.label,
    String(s.tasks),
    `${s.plausible} (${s.plausiblePct}%)`,
    `${s.correct} (${s.correctPct}%)`,
    `${s.overfit} (${s.overfitPct}%)`,
    seconds(s.timeToFixMs.median),
    seconds(s.timeToFixMs.p95),
    seconds(s.guardMs.median),
    seconds(s.perTaskMs.median),
    seconds(s.perTaskMs.p95),
    String(s.candidatesMedian ?? '–'),
    String(s.testRunsMedian ?? '–'),
    String(s.recheckFailures),
    String(s.gradeUnknown),
    `${s.overfitAmbiguous}/${s.overfit}`,
    `${s.correctAmbiguous}/${s.correct}`,
    String(s.errors),
    String(s.regressions),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(header), rule, ...cells.slice(0, -1).map(line), rule, line(cells[cells.length - 1])].join('\n');
}

export const TABLE_NOTES = [
  'plausible: a verified fix came back (its tests pass, nothing regressed). correct: it also behaves like the reference on recorded and neighbouring inputs.',
  'overfit: plausible but not correct, as a share of the heals. fix: wall time until the fix was verified, on tasks it fixed; guard: the mutation guard that then labels it; task: whole heal, on all tasks. regress: heals that broke a passing test (must be 0).',
  'recheck✗: fixes that failed an independent run of their test command; unknown: fixes the grader could not finish judging (counted as overfit, not correct).',
  'wrong⚠: overfit fixes that Self-Heal labelled "verified, ambiguous" (never auto-applied; the user is told the tests cannot tell); right⚠: correct fixes it labelled so.',
];

/** Published pass@1 on HumanEvalFix-JS (OctoPack, Muennighoff et al. 2023, table 4). */
export const PEERS = [
  { name: 'OctoCoder', pass1: 28.4 },
  { name: 'OctoGeeX', pass1: 27.7 },
  { name: 'CodeGeeX2', pass1: 14.7 },
];

export function formatBaseline(ours: Summary, engine: string): string {
  const rows = [
    [`Self-Heal (${engine}), correct`, `${ours.correctPct}%`],
    [`Self-Heal (${engine}), plausible`, `${ours.plausiblePct}%`],
    ...PEERS.map((p) => [`${p.name} pass@1`, `${p.pass1}%`]),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    'Against published HumanEvalFix-JS pass@1:',
    ...rows.map((r) => `  ${r[0].padEnd(width)}  ${r[1].padStart(6)}`),
    "  Not like for like: ours is a test-validated search (candidates are checked against the task's",
    '  tests before one is returned), theirs is one sampled answer per task graded by the same tests.',
    ours.tasks < 164 ? `  Ours is measured on ${ours.tasks} of the 164 tasks; theirs on all 164.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
