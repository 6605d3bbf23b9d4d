/**
 * The orchestrator: one function from "the workspace's tests fail" to verified fixes
 * (signals → diagnosis → candidates → verification), plus apply and revert (→ ledger).
 * Nothing here writes to the user's files except applyFix / revertHeal, and those only after
 * checking that the text is still exactly what was verified.
 */
import type { HealOptions, HealOutcome, HealReport, VerifiedFix } from './api';
import { classificationSources, classify } from './analysis/classify';
import { isTestFile, localize, testFilesOf } from './analysis/localize';
import { spectrumLocations } from './analysis/sbfl';
import { initTreeSitter } from './analysis/treeSitter';
import { hintsFrom, pairCandidates, parseable, rankedSingles, type SourceFile } from './healing/mutation/engine';
import { applyEdits } from './edits';
import { editableSources } from './healing/editableSources';
import { Search, type Found } from './verify/search';
import { Alternatives, confidenceOf, type Choice } from './healing/ranking/alternatives';
import { chooseAmong } from './healing/ranking/choose';
import { discardedChanges } from './record/decisions';
import { runLlmEngine } from './healing/llm/engine';
import { healTestProblem, oneAtATime, rerunFailures } from './healing/tests';
import { DEFAULT_RERUNS } from './healing/tests/flaky';
import { runInfraEngine } from './healing/infra/engine';
import { operatorAdjustments, orderByDecisions } from './record/decisions';
import { newId, unifiedDiff } from './record/apply';
import { SelfHealError, type Candidate, type Diagnosis, type Failure, type TestRun } from './model';
import { noProgress, silentLog } from './ports';
import { attachGuard, mutationGuard, WEAKLY_TESTED } from './guards';
import { acquireWorkspaceLock } from './verify/lock';
import { createSandbox, pruneStaleSandboxes, workspaceState, type Sandbox } from './verify/sandbox';
import { withoutHangingFiles, hangingOutcome } from './verify/hangingFiles';
import { reproducedFailures, type NotReproduced } from './signals/reproduced';
import { defaultTestCommand } from './verify/testCommand';
import { ProcessTestRunner } from './verify/testRunner';

export const DEFAULTS = { testTimeoutMs: 60_000, maxCandidates: 400, pairBudget: 300 };

const TEST_PROBLEMS = new Set(['outdated-snapshot', 'brittle-assertion', 'async-test', 'flaky']);

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled; nothing was changed.');
}

/** Failures of one test file are healed together: they usually share a cause, and one run checks them all. */
function groupFailures(failures: Failure[]): Failure[][] {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = f.file ?? f.id;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

export async function healWorkspace(options: HealOptions): Promise<HealReport> {
  // One run per workspace (two CLIs, or the CLI and the extension): a second one is refused before
  // it makes a sandbox, and a lock left by a crashed run is cleared at once.
  const lock = await acquireWorkspaceLock(options.files.root, { owner: options.lockOwner ?? 'Self-Heal', signal: options.signal });
  try {
    return await healLocked(options);
  } finally {
    await lock.release();
  }
}

async function healLocked(options: HealOptions): Promise<HealReport> {
  const started = Date.now();
  const log = options.log ?? silentLog;
  const progress = options.progress ?? noProgress;
  const root = options.files.root;
  const fullCommand = await defaultTestCommand(root, options.testCommand);
  await pruneStaleSandboxes(root, log);
  const treeSitter = initTreeSitter();
  const buffers = await options.files.unsavedBuffers();
  throwIfAborted(options.signal);
  progress.report({ message: 'Preparing a sandbox' });
  const sandboxStarted = Date.now();
  // What the tests will see; a fix verified on it is applied only while it still holds.
  const state = await workspaceState(root, buffers);
  const sandbox = await createSandbox({ root, buffers, log });
  const sandboxMs = Date.now() - sandboxStarted;
  try {
    const runner = options.runner ?? new ProcessTestRunner(log);
    const timeoutMs = options.testTimeoutMs ?? DEFAULTS.testTimeoutMs;
    progress.report({ message: `Running the tests (${fullCommand})` });
    const whole = await runner.run({ cwd: sandbox.cwd, command: fullCommand, timeoutMs, signal: options.signal });
    throwIfAborted(options.signal);
    // A suite that does not finish: heal the test files that do, and report the ones that hang.
    const split = whole.timedOut ? await withoutHangingFiles({ runner, cwd: sandbox.cwd, command: fullCommand, timeoutMs, signal: options.signal, log }) : undefined;
    throwIfAborted(options.signal);
    if (whole.timedOut && !split) {
      throw new SelfHealError('TIMEOUT', `The tests did not finish within ${Math.round(timeoutMs / 1000)} s, so Self-Heal stopped them. If they are just slow, raise the limit (--timeout SECONDS or selfHeal.testTimeoutSeconds); if they hang, that is the first thing to fix.`);
    }
    const baseline = split?.baseline ?? whole;
    const command = split?.command ?? fullCommand;
    if (baseline.exitCode === null && baseline.signal) {
      throw new SelfHealError('NO_TEST_COMMAND', `The test command \`${command}\` was killed by ${baseline.signal} (not by Self-Heal), so its results cannot be judged. Run it in a terminal to see why.`);
    }
    if (/(^|\n)(sh: \d+: |\/bin\/sh: )?.*(command not found|: not found)/.test(baseline.output) && baseline.exitCode === 127) {
      throw new SelfHealError('NO_TEST_COMMAND', `The test command \`${command}\` could not start: ${baseline.output.trim().split('\n').pop()}. Install the project's dependencies (npm install) or set the test command.`);
    }
    const failed = baseline.outcomes.filter((o) => o.status === 'failed').length;
    const report: HealReport = {
      baseline: { passed: baseline.outcomes.filter((o) => o.status === 'passed').length, failed: Math.max(failed, baseline.failures.length), run: baseline },
      heals: (split?.hanging ?? []).map((hanging) => hangingOutcome(hanging, newId())),
      sandboxMs,
      ms: 0,
    };
    const { reproduced: wanted, notReproduced } = reproducedFailures(baseline, options.failures);
    for (const missing of notReproduced) {
      log.info(`heal: ${missing.failure.id} did not reproduce in the sandbox (${missing.passed ? 'it passed' : 'no such failing test'})`);
      report.heals.push(notReproducedOutcome(missing, command, newId()));
    }
    await treeSitter;
    const healedIds = new Set<string>();
    const groups = groupFailures(wanted).flatMap(oneAtATime);
    for (const [index, group] of groups.entries()) {
      throwIfAborted(options.signal);
      if (group.every((f) => healedIds.has(f.id))) continue;
      progress.report({ message: `Healing ${group[0].name} (${index + 1}/${groups.length})`, increment: 100 / Math.max(groups.length, 1) });
      const outcome = await healGroup(group, { ...options, log, command, timeoutMs, sandbox, baseline, runner });
      if (outcome.fix && state) outcome.fix.state = { id: state, at: new Date(sandboxStarted).toISOString() };
      for (const id of outcome.fix ? [...outcome.failures.map((f) => f.id), ...alsoFixedOf(outcome)] : []) healedIds.add(id);
      report.heals.push(outcome);
    }
    report.ms = Date.now() - started;
    const spent = report.heals.reduce((t, h) => ({ input: t.input + (h.tokens?.input ?? 0), output: t.output + (h.tokens?.output ?? 0) }), { input: 0, output: 0 });
    if (spent.input + spent.output > 0) log.info(`LLM tokens for this heal run: ${spent.input} in / ${spent.output} out`);
    return report;
  } finally {
    await sandbox.dispose();
  }
}

/** A failure the sandbox's run does not show: reported, not healed, and never widened to others. */
function notReproducedOutcome({ failure, passed }: NotReproduced, command: string, id: string): HealOutcome {
  const reason = passed
    ? `it did not reproduce: "${failure.name}" passed when Self-Heal ran "${command}" on your current files. It may be flaky, or already fixed; run the tests again to see`
    : `it did not reproduce: "${command}" did not report "${failure.name}" as failing on your current files, so there is nothing to verify a fix against`;
  return {
    id,
    failures: [failure],
    diagnosis: { failures: [failure], class: passed ? 'flaky' : 'infrastructure', evidence: [reason], locations: [] },
    reason,
    tried: [],
    candidatesTried: 0,
    testRuns: 1,
    ms: 0,
  };
}

const alsoFixed = new WeakMap<HealOutcome, string[]>();
/** Why the LLM engine stopped early (endpoint down, key refused), to tell the user instead of "no fix". */
const llmStops = new WeakMap<HealOutcome, string>();
const alsoFixedOf = (o: HealOutcome): string[] => alsoFixed.get(o) ?? [];


interface GroupContext extends HealOptions {
  command: string;
  timeoutMs: number;
  sandbox: Sandbox;
  baseline: TestRun;
  runner: NonNullable<HealOptions['runner']>;
  log: NonNullable<HealOptions['log']>;
}

/** A search that verifies candidates for `failures` in the group's sandbox, with the group's time limit. */
function searchFor(failures: Failure[], ctx: GroupContext): Search {
  return new Search({ sandbox: ctx.sandbox, runner: ctx.runner, command: ctx.command, baseline: ctx.baseline, targeted: failures.map((f) => f.id), testFiles: testFilesOf(failures), timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log });
}

async function healGroup(failures: Failure[], groupCtx: GroupContext): Promise<HealOutcome> {
  // Candidate runs get a tighter limit than the baseline: a mutant that loops must not cost a minute.
  const ctx = { ...groupCtx, timeoutMs: Math.min(groupCtx.timeoutMs, Math.max(5000, groupCtx.baseline.ms * 4)) };
  // One search per group: its screen serves the flaky reruns, the test edits and the code edits.
  const search = searchFor(failures, ctx);
  try {
    return await diagnoseAndHeal(failures, search, ctx, testFilesOf(failures));
  } finally {
    search.dispose();
  }
}

async function diagnoseAndHeal(failures: Failure[], search: Search, ctx: GroupContext, testFiles: string[]): Promise<HealOutcome> {
  const started = Date.now();
  const readText = (rel: string): Promise<string | undefined> => ctx.sandbox.read(rel);
  // Rerun first: a test that passes on the unchanged code sometimes must not drive a code change.
  // Until each failing test has passed once or failed often enough that a flake is unlikely, in the screen when it can.
  const reruns = await rerunFailures({ runner: ctx.runner, cwd: ctx.sandbox.cwd, command: ctx.command, failures, times: ctx.flakyReruns ?? DEFAULT_RERUNS, timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log, inProcess: (times) => search.rerunTargeted(times) });
  const classification = classify(failures, ctx.baseline.output, { reruns, sources: await classificationSources(ctx.sandbox.cwd, failures, readText) });
  let locations = (await localize(ctx.sandbox.cwd, failures, readText)).filter((l) => !isTestFile(l.file));
  const diagnosis = { failures, class: classification.class, evidence: classification.evidence, locations };
  const outcome: HealOutcome = { id: newId(), failures, diagnosis, tried: [], candidatesTried: 0, testRuns: 0, ms: 0 };
  const finish = (reason?: string): HealOutcome => {
    outcome.tried.push(...search.tally.tried);
    outcome.testRuns += search.tally.testRuns;
    outcome.reason = reason;
    outcome.ms = Date.now() - started;
    return outcome;
  };
  // Environment problems first (healing/infra): a missing package or env variable is never a
  // code change, and a test that is only slow must not send the mutation engine searching.
  const infra = await healWithInfra(failures, outcome, ctx);
  if (outcome.fix) return finish();
  if (infra && infra.kind !== 'test-timeout') return finish(infra.advice);
  if (classification.class === 'infrastructure') return finish(`This looks like an environment problem, not a code bug (${classification.evidence[0]}). Self-Heal does not change code for it.`);
  if (TEST_PROBLEMS.has(classification.class)) {
    // Test edits only: changing the code until a wrong test passes would make the fix worse than the bug.
    const healed = await healTestProblem({ diagnosis: outcome.diagnosis, sandbox: ctx.sandbox, runner: ctx.runner, command: ctx.command, baseline: ctx.baseline, timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log, verify: (c) => search.verifyWithOutput(c) });
    outcome.candidatesTried += healed.candidatesTried;
    outcome.testRuns += healed.testRuns;
    if (healed.found) outcome.fix = toFix(healed.found, healed.files);
    return finish(healed.reason);
  }
  if (locations.length === 0) return finish('Could not find the code under test: no stack frame points into the project and the test imports no local module.');
  locations = (await spectrumLocations({ cwd: ctx.sandbox.cwd, command: ctx.command, runner: ctx.runner, baseline: ctx.baseline, failures, base: locations, readText, timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log })).locations;
  outcome.diagnosis.locations = locations;

  const { files, skipped } = await editableSources(locations, ctx.sandbox, ctx.log);
  if (files.length === 0 && skipped.length > 0) return finish(`Self-Heal does not edit the suspicious code: ${skipped.join('; ')}.`);
  if (files.length === 0) return finish(`The suspicious code is in ${[...new Set(locations.map((l) => l.file))].join(', ')}, which is binary, larger than 1 MB or unreadable; Self-Heal does not edit such files.`);
  // Verified mutation candidates are collected, not taken first-come: the tests often accept a
  // wrong fix too, so the alternatives are ranked (healing/ranking) and discarded fixes skipped.
  const alternatives = new Alternatives(Object.fromEntries(files.map((f) => [f.file, f.text])), discardedChanges(ctx.decisions ?? []), locations);
  let choice: Choice | undefined;
  // Offline first: it is fast and free; the LLM is asked only when it finds nothing.
  if (!ctx.engines || ctx.engines.includes('mutation')) {
    await healWithMutations(search, failures, files, outcome, ctx, alternatives);
    choice = await chooseAmong(alternatives, { cwd: ctx.sandbox.cwd, testFiles, failingNames: failures.map((f) => f.name), readText, signal: ctx.signal, log: ctx.log });
  }
  let found: Found | undefined = choice?.best.found;
  if (!found && ctx.engines?.includes('llm') && ctx.llm) found = await healWithLlm(search, failures, diagnosis, files, outcome, ctx);
  // The model may well propose a fix a person discarded before: it is not offered again either.
  if (found && choice === undefined && alternatives.skip(found.candidate)) found = undefined;
  const refused = search.tally.tried.filter((v) => v.status === 'invalid');
  if (!found && outcome.candidatesTried === 0 && refused.length > 0) return finish(`The LLM's ${refused.length} repl${refused.length === 1 ? 'y was' : 'ies were'} refused (last: ${refused[refused.length - 1].reason}), so no fix was verified.`);
  const discarded = alternatives.skipped.length ? ` The verified fix ${alternatives.skipped.map((s) => `"${s}"`).join(', ')} was discarded earlier, so it is not offered again.` : '';
  if (!found) return finish(llmStops.get(outcome) ?? `No verified fix among ${outcome.candidatesTried} candidate(s): none made the failing test(s) pass without breaking another.${discarded}`);
  const fix = toFix(found, files);
  // The first verified candidate is what a person waits for; the alternatives come after it.
  outcome.verifiedMs = (alternatives.firstVerifiedAt ?? Date.now()) - started;
  // A fix is only as good as the tests that verified it: mutate its lines and see them fail.
  const guard = await mutationGuard({ sandbox: ctx.sandbox, runner: ctx.runner, command: ctx.command, before: fix.before, after: fix.after, fixRun: found.run, testFiles, timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log });
  outcome.fix = attachGuard(fix, guard);
  outcome.fix.evidence.confidence = confidenceOf(choice, guard.label === WEAKLY_TESTED);
  if (choice && choice.ranked.length > 1) outcome.fix.alternatives = choice.ranked.slice(1).map((p) => ({ summary: p.found.candidate.summary, diff: unifiedDiff(p.before, p.after) }));
  alsoFixed.set(outcome, found.comparison.alsoFixed);
  return finish();
}

async function healWithMutations(search: Search, failures: Failure[], files: SourceFile[], outcome: HealOutcome, ctx: GroupContext, alternatives: Alternatives): Promise<void> {
  await search.prepare();
  const singles = orderByDecisions(await rankedSingles(outcome.diagnosis.locations, files, hintsFrom(failures), ctx.mutationPriors), operatorAdjustments(ctx.decisions ?? []));
  const budget = ctx.maxCandidates ?? DEFAULTS.maxCandidates;
  ctx.log.info(`${failures[0].name}: ${outcome.diagnosis.class}; ${outcome.diagnosis.locations.length} suspicious location(s); ${singles.length} candidate edit(s)`);
  await tryAll(search, await parseable(singles, files, budget), outcome, ctx, alternatives);
  if (alternatives.plausible.length > 0 || outcome.candidatesTried >= budget || search.tally.promising.length === 0) return;
  // Guided pairs: a second edit on top of a single that already made some assertions pass.
  const parents = search.tally.promising.sort((a, b) => b.fitness - a.fitness).slice(0, 8).map((p) => p.candidate);
  const pairs = await pairCandidates(parents, singles, files, Math.min(DEFAULTS.pairBudget, budget - outcome.candidatesTried));
  ctx.log.debug(`trying ${pairs.length} two-edit candidate(s) built on ${parents.length} promising edit(s)`);
  await tryAll(search, pairs, outcome, ctx, alternatives);
}

async function healWithLlm(search: Search, failures: Failure[], diagnosis: Diagnosis, files: SourceFile[], outcome: HealOutcome, ctx: GroupContext): Promise<Found | undefined> {
  let found: Found | undefined;
  const result = await runLlmEngine({
    failures,
    diagnosis,
    files,
    root: ctx.sandbox.cwd,
    workspaceRoot: ctx.files.root, // the sandbox has no gitignored .env, so redaction reads it here
    exclude: ctx.llmExclude,
    llm: ctx.llm!,
    promptsDir: ctx.promptsDir,
    maxAttempts: ctx.llmMaxAttempts ?? 3,
    pastHeals: ctx.pastHeals ?? [],
    signal: ctx.signal,
    log: ctx.log,
    verify: engineVerifier(search, outcome, (f) => (found = f)),
  });
  outcome.tokens = result.tokens;
  for (const r of result.rejections) search.tally.tried.push({ candidateId: `llm-reply-${r.attempt}`, summary: `LLM reply ${r.attempt}`, status: 'invalid', reason: r.reason });
  if (!found && result.error) llmStops.set(outcome, result.error);
  if (found && result.candidate) found.candidate = { ...found.candidate, tokens: result.tokens };
  return found;
}

/** The infra engine's problem and advice, if it knew the failure; sets `outcome.fix` when a fix was verified. */
async function healWithInfra(failures: Failure[], outcome: HealOutcome, ctx: GroupContext): Promise<{ kind: string; advice?: string } | undefined> {
  const search = searchFor(failures, ctx);
  let found: Found | undefined;
  try {
    const result = await runInfraEngine({
      failures,
      output: ctx.baseline.output,
      sandbox: ctx.sandbox,
      workspaceRoot: ctx.files.root,
      signal: ctx.signal,
      log: ctx.log,
      verify: engineVerifier(search, outcome, (f) => (found = f)),
    });
    outcome.tried.push(...search.tally.tried);
    outcome.testRuns += search.tally.testRuns;
    if (!result.problem) return undefined;
    if (found) {
      outcome.diagnosis = { ...outcome.diagnosis, class: 'infrastructure', evidence: [result.problem.evidence, ...outcome.diagnosis.evidence] };
      outcome.fix = toFix(found, result.files);
      alsoFixed.set(outcome, found.comparison.alsoFixed);
    } else if (result.problem.kind !== 'test-timeout') {
      outcome.diagnosis = { ...outcome.diagnosis, class: 'infrastructure', evidence: [result.problem.evidence] };
    }
    return { kind: result.problem.kind, advice: result.advice };
  } finally {
    search.dispose();
  }
}

/** The verify callback the LLM and infra engines get: counts the try, verifies like any candidate, keeps the winner. */
function engineVerifier(search: Search, outcome: HealOutcome, keep: (found: Found) => void) {
  return async (candidate: Candidate): Promise<{ verified: boolean; reason: string; output: string }> => {
    outcome.candidatesTried++;
    const verdict = await search.verifyWithOutput(candidate);
    if (verdict.found) keep(verdict.found);
    return { verified: !!verdict.found, reason: verdict.reason, output: verdict.output };
  };
}

/** Try candidates in order until the first is verified, then a few more for alternatives (within their budget). */
async function tryAll(search: Search, candidates: Candidate[], outcome: HealOutcome, ctx: GroupContext, alternatives: Alternatives): Promise<void> {
  for (const candidate of alternatives.order(candidates)) {
    if (!alternatives.wanted) return;
    throwIfAborted(ctx.signal);
    if (alternatives.skip(candidate)) continue;
    outcome.candidatesTried++;
    alternatives.tried(await search.tryCandidate(candidate));
  }
}

function toFix(found: Found, files: SourceFile[]): VerifiedFix {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  for (const source of files) {
    const edits = found.candidate.edits.filter((e) => e.file === source.file);
    if (edits.length === 0) continue;
    before[source.file] = source.text;
    after[source.file] = applyEdits(source.text, edits);
  }
  return { candidate: found.candidate, evidence: found.comparison.evidence, diff: unifiedDiff(before, after), before, after };
}


// Apply and revert live in record/apply.ts; re-exported so every host imports the pipeline from here.
export { applyFix, firstDifference, newId, revertHeal, unifiedDiff } from './record/apply';
