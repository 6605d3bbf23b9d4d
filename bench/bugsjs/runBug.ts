/**
 * One BugsJS bug end to end: materialize buggy and fixed without history, install, find the
 * reference outcomes, heal the buggy version offline (the mutation engine) and with the oracle
 * model (pipeline ceiling), and grade each heal with the project's own test command.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DiskFiles } from '../../src/cli/adapters/files';
import type { HealOptions, HealOutcome, HealReport } from '../../src/core/api';
import { healWorkspace } from '../../src/core/heal';
import { createOpenAiLlm } from '../../src/core/healing/llm/openaiLlm';
import type { Log, TestRunner } from '../../src/core/ports';
import { defaultTestCommand } from '../../src/core/verify/testCommand';
import { ProcessTestRunner } from '../../src/core/verify/testRunner';
import { oracleReply, referenceFix, type ReferenceFix } from './fix';
import { localization, type Localization } from './localized';
import { browserNeeded, serverNeeded } from './needs';
import { startOracleServer } from './oracle';
import { adoptDependencies, installDependencies, materialize, type Bug, type BugsJsProject, type Materialized } from './project';
import { median, referenceOutcomes, repaired, uncleanIds, type ReferenceOutcomes } from './reference';

export interface BugOptions {
  /** Where installs and the npm cache of this project are kept between bugs and runs. */
  cacheDir: string;
  /** Runs of each version for the reference outcomes (3). */
  referenceRuns: number;
  /** Time limit of the offline heal (a search: it may try hundreds of candidates). */
  healTimeoutMs: number;
  /** Time limit of the oracle heal: one candidate, but the same baseline, reruns and SBFL first (default 600 s). */
  oracleTimeoutMs?: number;
  installTimeoutMs: number;
  runner?: TestRunner;
  log?: (line: string) => void;
}

export interface HealGrade {
  /** A verified fix came back (offered). */
  plausible: boolean;
  /** The fix, run with the project's own command: the revealing tests pass and nothing that passed fails. */
  repaired: boolean;
  /** Why a verified fix did not grade as repaired: the tests that still fail, or that it broke. */
  notRepaired?: string;
  /** Time from the heal's start to the fix being verified (without the mutation guard that labels it afterwards). */
  verifiedMs?: number;
  ms: number;
  candidates: number;
  summary?: string;
  reason?: string;
  error?: string;
}

export interface OracleGrade extends HealGrade {
  requests: number;
  /** The reply passed the reply schema and the AST constraint (it became a candidate). */
  accepted: boolean;
  /** The offered fix is the reference fix, character for character, in every file it edits. */
  exact: boolean;
}

export interface BugResult {
  bug: number;
  status: 'ran' | 'skipped' | 'error';
  skipReason?: string;
  error?: string;
  install?: { buggy?: { reused: boolean; ms: number }; fixed?: { reused: boolean; ms: number } };
  reference?: { revealing: string[]; excused: number; stablePassing: number; suiteMs: number };
  /** Baseline parsed into outcomes with clean ids, no hang, no harness error. */
  ran: boolean;
  ranProblem?: string;
  localization?: Localization;
  offline?: HealGrade;
  oracle?: OracleGrade;
  notExpressible?: string[];
  /** Dependency versions the fix changes (ReferenceFix.dependencyChanges). */
  dependencyChanges?: string[];
  /** The buggy version was installed with the fixed version's dependency ranges (adoptDependencies). */
  adoptedDependencies?: boolean;
}

/** Time until the fixing outcome was verified, counting the sandbox, the baseline and the groups healed before it. */
export function timeToFix(report: HealReport, healed: HealOutcome): number | undefined {
  if (healed.verifiedMs === undefined) return undefined;
  const after = report.heals.slice(report.heals.indexOf(healed) + 1).reduce((n, h) => n + h.ms, 0);
  return report.ms - after - (healed.ms - healed.verifiedMs);
}

async function gradeFix(
  dir: string,
  command: string,
  reference: ReferenceOutcomes,
  after: Record<string, string>,
  runner: TestRunner,
  timeoutMs: number,
): Promise<{ repaired: boolean; why?: string }> {
  const before: Record<string, string> = {};
  for (const [file, text] of Object.entries(after)) {
    before[file] = await fs.readFile(path.join(dir, file), 'utf8');
    await fs.writeFile(path.join(dir, file), text);
  }
  try {
    const run = await runner.run({ cwd: dir, command, timeoutMs });
    const graded = repaired(reference, run);
    const why = graded.repaired
      ? undefined
      : run.timedOut
        ? 'the grading run timed out'
        : [
            graded.stillFailing.length ? `still failing: ${graded.stillFailing.slice(0, 3).join(', ')}` : '',
            graded.broken.length ? `newly failing: ${graded.broken.slice(0, 3).join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ');
    return { repaired: graded.repaired, why };
  } finally {
    for (const [file, text] of Object.entries(before)) await fs.writeFile(path.join(dir, file), text);
  }
}

interface HealRun {
  report?: HealReport;
  grade: HealGrade;
  healed?: HealOutcome;
}

async function heal(
  dir: string,
  options: Partial<HealOptions>,
  limitMs: number,
  ctx: { reference: ReferenceOutcomes; command: string; runner: TestRunner; bug: BugOptions; testTimeoutMs: number; log: Log },
): Promise<HealRun> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limitMs);
  const started = Date.now();
  try {
    const report = await healWorkspace({
      files: new DiskFiles(dir),
      failures: ctx.reference.revealingFailures,
      testTimeoutMs: ctx.testTimeoutMs,
      signal: controller.signal,
      log: ctx.log,
      ...options,
    });
    const healed = report.heals.find((h) => h.fix);
    const graded = healed?.fix ? await gradeFix(dir, ctx.command, ctx.reference, healed.fix.after, ctx.runner, ctx.testTimeoutMs) : undefined;
    const grade: HealGrade = {
      plausible: !!healed,
      repaired: graded?.repaired ?? false,
      ...(graded?.why ? { notRepaired: graded.why } : {}),
      verifiedMs: healed ? timeToFix(report, healed) : undefined,
      ms: Date.now() - started,
      candidates: report.heals.reduce((n, h) => n + h.candidatesTried, 0),
      summary: healed?.fix?.candidate.summary,
      reason: healed
        ? undefined
        : report.heals
            .map((h) => h.reason)
            .filter(Boolean)
            .join(' / ') || 'no failure to heal in the baseline',
    };
    return { report, grade, healed };
  } catch (error) {
    const message = controller.signal.aborted
      ? `gave up after the ${Math.round(limitMs / 1000)} s heal limit`
      : `${(error as Error).name}: ${(error as Error).message}`;
    return { grade: { plausible: false, repaired: false, ms: Date.now() - started, candidates: 0, error: message } };
  } finally {
    clearTimeout(timer);
  }
}

/** Ran: the heal's baseline parsed into outcomes with clean ids, without a hang or an error. */
function ranProblem(run: HealRun): string | undefined {
  if (run.grade.error) return run.grade.error;
  const baseline = run.report!.baseline.run;
  if (baseline.timedOut) return 'the baseline run hung';
  if (baseline.outcomes.length === 0) return 'the baseline output was not parsed into test outcomes';
  const unclean = uncleanIds(baseline);
  return unclean.length ? `${unclean.length} test id(s) carry stderr noise, e.g. "${unclean[0].slice(0, 80)}"` : undefined;
}

async function oracleHeal(dir: string, fix: ReferenceFix, ctx: Parameters<typeof heal>[3]): Promise<{ grade: OracleGrade; run: HealRun }> {
  const server = await startOracleServer((prompt) => '```json\n' + JSON.stringify(oracleReply(fix, prompt), null, 2) + '\n```');
  try {
    // One attempt: the oracle's answer does not change with feedback, so a second would only repeat it.
    const llm = createOpenAiLlm({ baseUrl: server.url, model: 'oracle', localOnly: true, maxRetries: 0 });
    const run = await heal(dir, { engines: ['llm'], llm, llmMaxAttempts: 1 }, ctx.bug.oracleTimeoutMs ?? 600_000, ctx);
    const tried = run.report?.heals.flatMap((h) => h.tried) ?? [];
    const invalid = tried.filter((v) => v.status === 'invalid');
    const exact =
      !!run.healed?.fix &&
      Object.entries(run.healed.fix.after).every(([file, text]) => fix.files.find((f) => f.file === file)?.fixed === text) &&
      Object.keys(run.healed.fix.after).length === fix.files.length;
    const accepted = server.prompts.length > 0 && invalid.length < server.prompts.length;
    // The verdicts say why the reference fix was refused or failed verification (a flaky test, a narrowed run).
    const verdicts = tried.filter((v) => v.status !== 'verified').map((v) => `${v.status}: ${v.reason}`);
    const reason = run.healed ? undefined : [run.grade.reason, ...verdicts].filter(Boolean).join(' / ');
    return { grade: { ...run.grade, reason, requests: server.prompts.length, accepted, exact }, run };
  } finally {
    await server.close();
  }
}

/** When no test passes on either version, the suite itself does not run here (old tooling on this Node, say): the error it stops with. */
export function suiteDoesNotRun(reference: ReferenceOutcomes): string | undefined {
  if (reference.stablePassing.length > 0 || reference.fixedRuns.some((r) => r.outcomes.some((o) => o.status === 'passed'))) return undefined;
  const output = reference.buggyRuns[0]?.output ?? '';
  // The test script installs packages itself, and the suite keeps test runs offline.
  if (/\bENOTCACHED\b/.test(output)) return 'the test command runs npm install itself, which needs the network (npm ENOTCACHED while test runs are offline)';
  // The thrown error's own line (`ReferenceError: …`), not the echoed command that mentions it.
  const lines = output.split('\n').map((line) => line.trim());
  const error =
    lines.find((line) => /^\w*Error\b:/.test(line)) ?? lines.find((line) => /Cannot find module|not found/.test(line)) ?? lines.filter(Boolean).pop() ?? '';
  return `the test command runs no test on either version here (${error.slice(0, 160)})`;
}

async function readTestScript(dir: string): Promise<string | undefined> {
  const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts?.test;
}

export async function runBug(project: BugsJsProject, bug: Bug, options: BugOptions): Promise<BugResult> {
  const say = options.log ?? (() => {});
  const log: Log = {
    debug: (m) => process.env.SELF_HEAL_BENCH_DEBUG && say(`  debug: ${m}`),
    info: (m) => process.env.SELF_HEAL_BENCH_DEBUG && say(`  info: ${m}`),
    warn: (m) => say(`  warn: ${m}`),
    error: (m) => say(`  error: ${m}`),
  };
  const result: BugResult = { bug: bug.number, status: 'error', ran: false };
  const runner = options.runner ?? new ProcessTestRunner();
  const opened: Materialized[] = [];
  try {
    const buggy = await materialize(project, bug.buggyTag, `${project.name}-${bug.number}-buggy`);
    opened.push(buggy);
    const fixed = await materialize(project, bug.fixedTag, `${project.name}-${bug.number}-fixed`);
    opened.push(fixed);
    const browser = browserNeeded(await readTestScript(buggy.dir));
    if (browser) return { ...result, status: 'skipped', skipReason: browser };
    const fix = await referenceFix(project, bug);
    result.notExpressible = fix.notExpressible;
    result.dependencyChanges = fix.dependencyChanges;
    // The fix's dependency ranges on both sides: what is measured is the source repair.
    result.adoptedDependencies = await adoptDependencies(buggy.dir, fixed.dir);
    say(result.adoptedDependencies ? `  installing (buggy with the fixed version's dependency ranges)` : `  installing`);
    result.install = {
      buggy: await installDependencies(buggy.dir, options.cacheDir, options.installTimeoutMs),
      fixed: await installDependencies(fixed.dir, options.cacheDir, options.installTimeoutMs),
    };
    const command = await defaultTestCommand(buggy.dir);
    say(`  reference: ${options.referenceRuns} run(s) each of \`${command}\` on buggy and fixed`);
    const reference = await referenceOutcomes({ runner, command, buggyDir: buggy.dir, fixedDir: fixed.dir, runs: options.referenceRuns, timeoutMs: 300_000 });
    const suiteMs = median(reference.suiteMs) ?? 0;
    result.reference = { revealing: reference.revealing, excused: reference.excused.length, stablePassing: reference.stablePassing.length, suiteMs };
    if (reference.revealing.length === 0) {
      const why =
        serverNeeded([...reference.buggyRuns, ...reference.fixedRuns]) ??
        suiteDoesNotRun(reference) ??
        `no test fails on every buggy run and passes on every fixed run (${reference.excused.length} excused)` +
          (result.adoptedDependencies ? ", with the fix's dependency ranges on both sides: the fix may be its dependency change alone" : '');
      return { ...result, status: 'skipped', skipReason: why };
    }
    // Generous per-run limit: the heal's own limits are derived from the baseline's time.
    const ctx = { reference, command, runner, bug: options, testTimeoutMs: Math.max(60_000, suiteMs * 5), log };
    say(`  offline heal (${reference.revealing.length} revealing test(s), suite ${(suiteMs / 1000).toFixed(1)} s)`);
    const offline = await heal(buggy.dir, { engines: ['mutation'] }, options.healTimeoutMs, ctx);
    result.offline = offline.grade;
    say(`  pipeline ceiling (oracle model) heal`);
    const oracle = await oracleHeal(buggy.dir, fix, ctx);
    result.oracle = oracle.grade;
    // Both heals start with the same baseline and diagnosis; an offline search that ran out of
    // time has no report, so the oracle heal's is judged then.
    const basis = offline.report ? offline : oracle.run.report ? oracle.run : offline;
    result.ranProblem = ranProblem(basis);
    result.ran = result.ranProblem === undefined;
    result.localization = basis.report ? await localization(basis.report.heals, fix, buggy.dir) : undefined;
    result.status = 'ran';
    return result;
  } catch (error) {
    return { ...result, status: 'error', error: (error as Error).message };
  } finally {
    for (const m of opened) await m.dispose();
  }
}
