/**
 * `npm run bench -- [--suite humanevalfix|examples|synthetic|all] [--engine offline|llm|all]
 *   [--tasks PATH] [--limit N] [--only ID,…] [--jobs N] [--json OUT] [--baseline]
 *   [--base-url URL --model NAME] [--task-timeout SECONDS] [--cv K] [--fit]`
 * `npm run bench -- --suite bugsjs --project PATH_OR_GIT_DIR [--only N,…] [--limit N] [--task-timeout SECONDS]`
 *
 * Measures repair accuracy and time with the same pipeline as `self-heal heal` (issue 5), prints
 * a table per suite, and writes JSON (default bench/out/results.json) and an SVG chart per suite.
 * Method and caveats: bench/README.md.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeChart } from './chart';
import { formatBaseline, formatTable, machine, summarizeByClass, TABLE_NOTES, type Machine } from './report';
import { engineChoice } from './llm';
import { pool } from './pool';
import { runScaleSuite } from './scale/run';
import { runBugsJsSuite } from './bugsjs/suite';
import { runCase, unhealedResult, type BenchCase, type CaseResult, type EngineChoice } from './runCase';
import { loadSuite, SUITES, type SuiteName } from './suites';
import { countsFor, crossValidate, formatFolds, formatPriors } from './cv/crossValidate';
import { formatFit, sumCounts } from './cv/fit';
import { foldOf } from './cv/folds';
import { DEFAULT_PRIORS, type MutationPriors } from '../src/core/healing/mutation/priors';

const BENCH = __dirname;
const USAGE =
  'Usage: npm run bench -- [--suite humanevalfix|examples|synthetic|all] [--engine offline|llm|all] [--tasks PATH] [--limit N] [--only ID,...] [--jobs N] [--json OUT] [--baseline] [--base-url URL --model NAME] [--task-timeout SECONDS] [--cv K] [--fit]\n       npm run bench -- --suite bugsjs --project PATH_OR_GIT_DIR [--only N,...] [--limit N] [--task-timeout SECONDS]';

class UsageError extends Error {}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number, got "${value}".`);
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}".`);
  return value as T;
}

interface Options {
  suites: SuiteName[];
  /** `--suite scale`: the scale benchmark (bench/scale), which measures costs, not repairs. */
  scale: boolean;
  /** `--suite bugsjs --project PATH`: the BugsJS project (git dir or checkout) whose bugs to run (bench/bugsjs). */
  bugsjs?: string;
  engine: 'offline' | 'llm' | 'all';
  tasks: string;
  limit?: number;
  only?: string[];
  jobs: number;
  json: string;
  baseline: boolean;
  baseUrl?: string;
  model?: string;
  taskTimeoutMs: number;
  /** `--cv K`: HumanEvalFix healed by K-fold cross-validation of the engine's priors (bench/cv). */
  cv?: number;
  /** `--fit`: print the priors fitted on all HumanEvalFix cases (the procedure behind DEFAULT_PRIORS), heal nothing. */
  fit: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', default: 'humanevalfix' },
      engine: { type: 'string', default: 'offline' },
      tasks: { type: 'string', default: path.join(BENCH, 'data', 'humanevalfix-js', 'tasks.jsonl') },
      limit: { type: 'string' },
      only: { type: 'string' },
      jobs: { type: 'string' },
      json: { type: 'string', default: path.join(BENCH, 'out', 'results.json') },
      baseline: { type: 'boolean', default: false },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'task-timeout': { type: 'string' },
      project: { type: 'string' },
      cv: { type: 'string' },
      fit: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const suite = oneOf(values.suite, ['humanevalfix', 'examples', 'synthetic', 'all', 'scale', 'bugsjs'], '--suite');
  if (suite === 'bugsjs' && !values.project)
    throw new UsageError('--suite bugsjs needs --project PATH (a BugsJS repository: its git dir or a checkout with Bug-N-test / Bug-N-full tags).');
  const engine = oneOf(values.engine, ['offline', 'llm', 'all'], '--engine');
  if (engine !== 'offline' && !values.model)
    throw new UsageError(
      `--engine ${engine} needs --model NAME and usually --base-url URL (an OpenAI-compatible endpoint; the key, if any, from SELF_HEAL_API_KEY or OPENAI_API_KEY).`,
    );
  return {
    suites: suite === 'all' ? [...SUITES] : suite === 'scale' || suite === 'bugsjs' ? [] : [suite],
    scale: suite === 'scale',
    bugsjs: suite === 'bugsjs' ? values.project : undefined,
    engine,
    tasks: path.resolve(values.tasks),
    limit: values.limit === undefined ? undefined : positiveInt(values.limit, '--limit', 1),
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    jobs: positiveInt(values.jobs, '--jobs', 2),
    json: path.resolve(values.json),
    baseline: values.baseline,
    baseUrl: values['base-url'],
    model: values.model,
    // A BugsJS heal runs a real project's whole suite per candidate: it gets longer by default.
    taskTimeoutMs: positiveInt(values['task-timeout'], '--task-timeout', suite === 'bugsjs' ? 300 : 120) * 1000,
    cv: values.cv === undefined ? undefined : Math.max(2, positiveInt(values.cv, '--cv', 5)),
    fit: values.fit,
  };
}

/** `--only 2,JavaScript/3` keeps those cases: an exact id, or the part after the last `/`. */
function select(cases: BenchCase[], options: Options): BenchCase[] {
  const picked = options.only ? cases.filter((c) => options.only!.some((o) => c.id === o || c.id.split('/').pop() === o)) : cases;
  return options.limit ? picked.slice(0, options.limit) : picked;
}

function describe(r: CaseResult): string {
  const verdict =
    r.status === 'error'
      ? `error: ${r.error}`
      : r.status === 'not-fixed'
        ? `not fixed (diagnosed ${r.diagnosis})`
        : r.correct
          ? 'fixed, correct'
          : `fixed, OVERFIT${r.grade?.error ? ` (${r.grade.error.split('\n')[0]})` : ''}`;
  const how = r.fix ? ` — ${r.fix.operator}: ${r.fix.summary}` : '';
  return `${verdict} in ${(r.ms / 1000).toFixed(1)}s, ${r.candidatesTried} candidate(s), ${r.testRuns} test run(s)${how}`;
}

interface SuiteRun {
  suite: SuiteName;
  engine: string;
  wallMs: number;
  summary: ReturnType<typeof summarizeByClass>;
  chart: string;
  results: CaseResult[];
  /** Cross-validation: each fold's fitted priors and held-out case ids. */
  folds?: Array<{ fold: number; priors: MutationPriors; ids: string[] }>;
}

async function runSuite(suite: SuiteName, engine: EngineChoice, options: Options, host: Machine): Promise<{ run: SuiteRun; tables: string[] }> {
  const cases = select(await loadSuite(suite, options.tasks, path.join(BENCH, 'out')), options);
  process.stderr.write(`\n${suite} / ${engine.name}: ${cases.length} case(s)\n`);
  const started = Date.now();
  let done = 0;
  const results = await pool(cases, options.jobs, async (c) => {
    let r: CaseResult;
    try {
      r = await runCase(c, engine, options.taskTimeoutMs);
    } catch (error) {
      // The harness itself failed on this case (workspace, git): record it and go on.
      r = unhealedResult(c, engine.name, `harness: ${(error as Error).message}`);
    }
    process.stderr.write(`[${++done}/${cases.length}] ${c.id} (${c.title ?? c.bugType}): ${describe(r)}\n`);
    return r;
  });
  const summary = summarizeByClass(results);
  const title = `${suite} — ${engine.name} engine — ${results.length} case(s), ${((Date.now() - started) / 1000).toFixed(0)} s wall with ${options.jobs} job(s)`;
  const tables = [formatTable(title, [...summary.byClass, summary.overall])];
  if (options.baseline && suite === 'humanevalfix') tables.push(formatBaseline(summary.overall, engine.name));
  const chart = path.join(path.dirname(options.json), `${suite}${engine.name === 'offline' ? '' : `-${engine.name}`}.svg`);
  await writeChart(chart, title, summary.byClass.concat(summary.overall), host);
  return { run: { suite, engine: engine.name, wallMs: Date.now() - started, summary, chart, results }, tables };
}

/** The held-out figures of K-fold cross-validation (bench/cv): per fold and pooled, then the fitted priors. */
async function runCrossValidated(engine: EngineChoice, options: Options, k: number, host: Machine): Promise<{ run: SuiteRun; tables: string[] }> {
  const cases = select(await loadSuite('humanevalfix', options.tasks, path.join(BENCH, 'out')), options);
  const counts = await countsFor(cases, path.join(BENCH, 'out', 'cv-counts.json'), (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`\nhumanevalfix / ${engine.name}, ${k}-fold cross-validation: ${cases.length} case(s)\n`);
  const started = Date.now();
  let done = 0;
  const folds = await crossValidate(cases, k, counts, options.jobs, async (c, priors) => {
    const r = await runCase(c, engine, options.taskTimeoutMs, priors).catch((error: unknown) =>
      unhealedResult(c, engine.name, `harness: ${(error as Error).message}`),
    );
    process.stderr.write(`[${++done}/${cases.length}] fold ${foldOf(c.id, k)} ${c.id} (${c.bugType}): ${describe(r)}\n`);
    return r;
  });
  const results = folds.flatMap((f) => f.results);
  const summary = summarizeByClass(results);
  const title = `humanevalfix — ${engine.name} engine — ${k}-fold cross-validation, held-out figures — ${results.length} case(s), ${((Date.now() - started) / 1000).toFixed(0)} s wall with ${options.jobs} job(s)`;
  const chart = path.join(path.dirname(options.json), 'humanevalfix-cv.svg');
  await writeChart(chart, title, summary.byClass.concat(summary.overall), host);
  const tables = [
    formatFolds(title, folds),
    formatTable('The same held-out heals by class', [...summary.byClass, summary.overall]),
    formatPriors(folds, DEFAULT_PRIORS),
  ];
  return {
    run: {
      suite: 'humanevalfix',
      engine: engine.name,
      wallMs: Date.now() - started,
      summary,
      chart,
      results,
      folds: folds.map((f) => ({ fold: f.fold, priors: f.priors, ids: f.results.map((r) => r.id) })),
    },
    tables,
  };
}

/** `--fit`: the priors fitted on every HumanEvalFix case, with the counts behind them. */
async function printFit(options: Options): Promise<void> {
  const cases = await loadSuite('humanevalfix', options.tasks, path.join(BENCH, 'out'));
  const counts = await countsFor(cases, path.join(BENCH, 'out', 'cv-counts.json'), (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatFit(sumCounts([...counts.values()]))}\n`);
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.fit) {
    await printFit(options);
    return 0;
  }
  if (options.scale) {
    // The scale suite measures costs against repository size (bench/scale/README.md), not repairs.
    const report = await runScaleSuite({ sizes: options.limit ? [1000, 10000].slice(0, options.limit) : undefined });
    process.stdout.write(`${await fs.readFile(report.files.markdown, 'utf8')}\n`);
    return 0;
  }
  if (options.bugsjs) {
    const report = await runBugsJsSuite({
      project: options.bugsjs,
      only: options.only,
      limit: options.limit,
      outDir: path.dirname(options.json),
      healTimeoutMs: options.taskTimeoutMs,
    });
    process.stdout.write(`${report.markdown}JSON: ${path.relative(process.cwd(), report.json)}\n`);
    return 0;
  }
  const started = Date.now();
  const host = machine();
  process.stderr.write(`Self-Heal bench on ${host.cores} core(s), ${host.cpu}, Node ${host.node}; ${options.jobs} job(s) at a time\n`);
  const engine = await engineChoice(options.engine, options.baseUrl, options.model);
  if (typeof engine === 'string') {
    process.stderr.write(`bench: ${engine}\n`);
    return 2;
  }
  process.stderr.write(`${engine.describe}\n`);
  const runs: SuiteRun[] = [];
  const tables: string[] = [];
  for (const suite of options.suites) {
    const done =
      options.cv && suite === 'humanevalfix' ? await runCrossValidated(engine, options, options.cv, host) : await runSuite(suite, engine, options, host);
    runs.push(done.run);
    tables.push(...done.tables);
  }
  const output = { version: 1, startedAt: new Date(started).toISOString(), wallMs: Date.now() - started, machine: host, options: { ...options, argv }, runs };
  await fs.mkdir(path.dirname(options.json), { recursive: true });
  await fs.writeFile(options.json, JSON.stringify(output, null, 2) + '\n');
  process.stdout.write(
    [
      '',
      ...tables.flatMap((t) => [t, '']),
      ...TABLE_NOTES,
      `Machine: ${host.cores} cores, ${host.cpu}, ${host.memoryGb} GB, Node ${host.node}, ${host.platform}. Total ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      `JSON: ${path.relative(process.cwd(), options.json)}`,
      '',
    ].join('\n'),
  );
  // A heal that breaks a passing test violates Self-Heal's contract: fail the run loudly.
  const regressions = runs.reduce((n, run) => n + run.summary.overall.regressions, 0);
  if (regressions > 0) {
    process.stderr.write(`${regressions} heal(s) regressed a passing test. That must never happen.\n`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `bench: ${error.message}\n\n` : ''}${USAGE}\n`);
      process.exitCode = error.message ? 2 : 0;
      return;
    }
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
