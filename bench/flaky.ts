/**
 * `node --import tsx bench/flaky.ts [--runs N] [--reruns N,…]`
 *
 * How often a test that fails half of the time is labelled a code bug (issue 14, item 4c). The
 * fixture test/fixtures/test-problems/flaky-coin fails with p = 0.5 (Math.random); it is healed
 * through the core heal API, in a fresh git repo, until N heals (default 20) started from a failing
 * baseline (a passing baseline has nothing to heal and is not counted), once per rerun budget.
 *
 * This is a measurement, not a test: with 7 reruns a false label has a chance of 0.5^7 = 0.8% per
 * heal, so even a correct engine mislabels one heal in 20 about 15% of the time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DiskFiles } from '../src/cli/adapters/files';
import { healWorkspace } from '../src/core/heal';
import { DEFAULT_RERUNS } from '../src/core/analysis/reruns';
import { makeProject } from '../test/helpers/repo';

const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'test-problems', 'flaky-coin');

function project(): string {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(FIXTURE, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files[path.relative(FIXTURE, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return makeProject(files);
}

interface Tally {
  reruns: number;
  heals: number;
  codeBug: number;
  flaky: number;
  other: number;
  /** Reruns of the failing test each heal needed (from the flaky evidence, or all of them). */
  rerunsUsed: number[];
  ms: number[];
}

async function measure(reruns: number, heals: number): Promise<Tally> {
  const tally: Tally = { reruns, heals: 0, codeBug: 0, flaky: 0, other: 0, rerunsUsed: [], ms: [] };
  while (tally.heals < heals) {
    const dir = project();
    try {
      const started = Date.now();
      const report = await healWorkspace({ files: new DiskFiles(dir), flakyReruns: reruns });
      const heal = report.heals[0];
      if (!heal) continue; // the baseline passed: nothing to heal, not counted
      tally.heals++;
      tally.ms.push(Date.now() - started);
      if (heal.diagnosis.class === 'code-bug') tally.codeBug++;
      else if (heal.diagnosis.class === 'flaky') tally.flaky++;
      else tally.other++;
      const seen = /passed \d+ of (\d+) rerun|failed on all (\d+) reruns/.exec(heal.diagnosis.evidence.join(' '));
      tally.rerunsUsed.push(Number(seen?.[1] ?? seen?.[2] ?? reruns));
      process.stderr.write(heal.diagnosis.class === 'code-bug' ? 'X' : '.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stderr.write('\n');
  return tally;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, reruns: { type: 'string', default: `3,${DEFAULT_RERUNS}` } } });
  const heals = Number(values.runs);
  const budgets = values.reruns.split(',').map(Number);
  if (!Number.isInteger(heals) || heals < 1 || budgets.some((b) => !Number.isInteger(b) || b < 0))
    throw new Error('Usage: node --import tsx bench/flaky.ts [--runs N] [--reruns N,…]');
  const rows: string[] = [
    '| reruns (most) | heals | labelled code bug | labelled flaky | other | expected false-label rate (0.5^n) | mean reruns used | median heal time |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const reruns of budgets) {
    const t = await measure(reruns, heals);
    rows.push(
      `| ${reruns} | ${t.heals} | ${t.codeBug} (${((100 * t.codeBug) / t.heals).toFixed(1)}%) | ${t.flaky} | ${t.other} | ${(100 * 0.5 ** reruns).toFixed(1)}% | ${mean(t.rerunsUsed).toFixed(1)} | ${(median(t.ms) / 1000).toFixed(1)} s |`,
    );
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
