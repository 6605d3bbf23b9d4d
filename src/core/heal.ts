/**
 * The orchestrator: one function from "the workspace's tests fail" to verified fixes
 * (signals → diagnosis → candidates → verification), plus apply and revert (→ ledger).
 * Nothing here writes to the user's files except applyFix / revertHeal, and those only after
 * checking that the text is still exactly what was verified.
 */
import type { HealOptions, HealOutcome, HealReport, VerifiedFix } from './api';
import { diagnose } from './analysis/diagnose';
import { testFilesOf } from './analysis/localize';
import { initTreeSitter } from './analysis/treeSitter';
import { applyEdits } from './edits';
import { attachGuard, mutationGuard, WEAKLY_TESTED } from './guards';
import type { Engine, EngineContext, EngineResult } from './healing/engine';
import { editableSources } from './healing/editableSources';
import { infraEngine } from './healing/infra/engine';
import { llmEngine } from './healing/llm/engine';
import type { SourceFile } from './healing/mutation/engine';
import { MUTATION_BUDGET, mutationEngine } from './healing/mutation/mutationEngine';
import { Alternatives, confidenceOf } from './healing/ranking/alternatives';
import { oneAtATime, testEditEngine } from './healing/tests';
import { healingRoute, SelfHealError, type Failure, type TestRun } from './model';
import { noProgress, silentLog } from './ports';
import { newId, unifiedDiff } from './record/apply';
import { discardedChanges, operatorAdjustments, orderByDecisions } from './record/decisions';
import { reproducedFailures, type NotReproduced } from './signals/reproduced';
import { withoutHangingFiles, hangingOutcome } from './verify/hangingFiles';
import { acquireWorkspaceLock } from './verify/lock';
import { createSandbox, pruneStaleSandboxes, workspaceState, type Sandbox } from './verify/sandbox';
import { Search, type Found } from './verify/search';
import { defaultTestCommand } from './verify/testCommand';
import { ProcessTestRunner } from './verify/testRunner';

export const DEFAULTS = { testTimeoutMs: 60_000, maxCandidates: MUTATION_BUDGET.candidates, pairBudget: MUTATION_BUDGET.pairs };

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
    const split = whole.timedOut
      ? await withoutHangingFiles({ runner, cwd: sandbox.cwd, command: fullCommand, timeoutMs, signal: options.signal, log })
      : undefined;
    throwIfAborted(options.signal);
    if (whole.timedOut && !split) {
      throw new SelfHealError(
        'TIMEOUT',
        `The tests did not finish within ${Math.round(timeoutMs / 1000)} s, so Self-Heal stopped them. If they are just slow, raise the limit (--timeout SECONDS or selfHeal.testTimeoutSeconds); if they hang, that is the first thing to fix.`,
      );
    }
    const baseline = split?.baseline ?? whole;
    const command = split?.command ?? fullCommand;
    if (baseline.exitCode === null && baseline.signal) {
      throw new SelfHealError(
        'NO_TEST_COMMAND',
        `The test command \`${command}\` was killed by ${baseline.signal} (not by Self-Heal), so its results cannot be judged. Run it in a terminal to see why.`,
      );
    }
    if (/(^|\n)(sh: \d+: |\/bin\/sh: )?.*(command not found|: not found)/.test(baseline.output) && baseline.exitCode === 127) {
      throw new SelfHealError(
        'NO_TEST_COMMAND',
        `The test command \`${command}\` could not start: ${baseline.output.trim().split('\n').pop()}. Install the project's dependencies (npm install) or set the test command.`,
      );
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
    const spent = report.heals.reduce((t, h) => ({ input: t.input + (h.tokens?.input ?? 0), output: t.output + (h.tokens?.output ?? 0) }), {
      input: 0,
      output: 0,
    });
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
  return new Search({
    sandbox: ctx.sandbox,
    runner: ctx.runner,
    command: ctx.command,
    baseline: ctx.baseline,
    targeted: failures.map((f) => f.id),
    testFiles: testFilesOf(failures),
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    log: ctx.log,
  });
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
  const { diagnosis, environment } = await diagnose({
    failures,
    baseline: ctx.baseline,
    cwd: ctx.sandbox.cwd,
    readText,
    runner: ctx.runner,
    command: ctx.command,
    timeoutMs: ctx.timeoutMs,
    flakyReruns: ctx.flakyReruns,
    rerunInProcess: (times) => search.rerunTargeted(times),
    signal: ctx.signal,
    log: ctx.log,
  });
  const outcome: HealOutcome = { id: newId(), failures, diagnosis, tried: [], candidatesTried: 0, testRuns: 0, ms: 0 };
  const finish = (reason?: string): HealOutcome => {
    outcome.tried.push(...search.tally.tried);
    outcome.testRuns += search.tally.testRuns;
    outcome.reason = reason;
    outcome.ms = Date.now() - started;
    return outcome;
  };
  const adjustments = operatorAdjustments(ctx.decisions ?? []);
  const engineCtx = (sources: SourceFile[], alternatives: Alternatives): EngineContext => ({
    diagnosis,
    environment,
    options: ctx,
    sandbox: ctx.sandbox,
    runner: ctx.runner,
    command: ctx.command,
    baseline: ctx.baseline,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    log: ctx.log,
    verify: (candidate) => {
      outcome.candidatesTried++;
      return search.verifyWithOutput(candidate);
    },
    search,
    counted: () => outcome.candidatesTried++,
    sources,
    alternatives,
    byPastDecisions: (candidates) => orderByDecisions(candidates, adjustments),
  });
  const run = async (engine: Engine, context: EngineContext): Promise<EngineResult> => {
    throwIfAborted(ctx.signal);
    const result = await engine.heal(context);
    outcome.candidatesTried += result.candidatesTried ?? 0;
    outcome.testRuns += result.testRuns ?? 0;
    if (result.tokens) outcome.tokens = result.tokens;
    if (result.reclassified && result.found) outcome.diagnosis = { ...diagnosis, ...result.reclassified };
    return result;
  };

  // Environment problems first (healing/infra): a missing package or env variable is never a
  // code change, and a test that is only slow must not send the mutation engine searching.
  if (environment) {
    const result = await run(infraEngine, engineCtx([], new Alternatives({}, new Map())));
    if (result.found) return settle(infraEngine, result.found, result);
    if (result.final) return finish(result.reason);
  }
  const route = healingRoute(diagnosis.class);
  if (route === 'environment')
    return finish(`This looks like an environment problem, not a code bug (${diagnosis.evidence[0]}). Self-Heal does not change code for it.`);
  if (route === 'tests') {
    const result = await run(testEditEngine, engineCtx([], new Alternatives({}, new Map())));
    return result.found ? settle(testEditEngine, result.found, result) : finish(result.reason);
  }
  if (diagnosis.locations.length === 0)
    return finish('Could not find the code under test: no stack frame points into the project and the test imports no local module.');
  const { files, skipped } = await editableSources(diagnosis.locations, ctx.sandbox, ctx.log);
  if (files.length === 0 && skipped.length > 0) return finish(`Self-Heal does not edit the suspicious code: ${skipped.join('; ')}.`);
  if (files.length === 0)
    return finish(
      `The suspicious code is in ${[...new Set(diagnosis.locations.map((l) => l.file))].join(', ')}, which is binary, larger than 1 MB or unreadable; Self-Heal does not edit such files.`,
    );
  // Verified code fixes are collected, not taken first-come: the tests often accept a wrong fix
  // too, so the alternatives are ranked (healing/ranking) and discarded fixes skipped.
  const alternatives = new Alternatives(Object.fromEntries(files.map((f) => [f.file, f.text])), discardedChanges(ctx.decisions ?? []), diagnosis.locations);
  const context = engineCtx(files, alternatives);
  // Offline first: it is fast and free; the LLM is asked only when it finds nothing.
  const engines = [
    ...(!ctx.engines || ctx.engines.includes('mutation') ? [mutationEngine] : []),
    ...(ctx.engines?.includes('llm') && ctx.llm ? [llmEngine] : []),
  ];
  let stopped: string | undefined;
  for (const engine of engines) {
    const result = await run(engine, context);
    if (result.found) return settle(engine, result.found, result, alternatives);
    stopped = result.reason ?? stopped;
  }
  const refused = search.tally.tried.filter((v) => v.status === 'invalid');
  if (outcome.candidatesTried === 0 && refused.length > 0)
    return finish(
      `The LLM's ${refused.length} repl${refused.length === 1 ? 'y was' : 'ies were'} refused (last: ${refused[refused.length - 1].reason}), so no fix was verified.`,
    );
  const discarded = alternatives.skipped.length
    ? ` The verified fix ${alternatives.skipped.map((s) => `"${s}"`).join(', ')} was discarded earlier, so it is not offered again.`
    : '';
  return finish(
    stopped ?? `No verified fix among ${outcome.candidatesTried} candidate(s): none made the failing test(s) pass without breaking another.${discarded}`,
  );

  /** The verified fix, with what a person needs to trust it; a code fix also gets the mutation guard and its confidence. */
  async function settle(engine: Engine, found: Found, result: EngineResult, alternatives?: Alternatives): Promise<HealOutcome> {
    const fix = toFix(found, result.files);
    alsoFixed.set(outcome, found.comparison.alsoFixed);
    if (engine.changes !== 'code') {
      outcome.fix = fix;
      return finish();
    }
    // The first verified candidate is what a person waits for; the alternatives come after it.
    outcome.verifiedMs = (alternatives?.firstVerifiedAt ?? Date.now()) - started;
    // A fix is only as good as the tests that verified it: mutate its lines and see them fail.
    const guard = await mutationGuard({
      sandbox: ctx.sandbox,
      runner: ctx.runner,
      command: ctx.command,
      before: fix.before,
      after: fix.after,
      fixRun: found.run,
      testFiles,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      log: ctx.log,
    });
    outcome.fix = attachGuard(fix, guard);
    outcome.fix.evidence.confidence = confidenceOf(result.choice, guard.label === WEAKLY_TESTED, result.samePlace);
    const ranked = result.choice?.ranked ?? [];
    if (ranked.length > 1)
      outcome.fix.alternatives = ranked.slice(1).map((p) => ({ summary: p.found.candidate.summary, diff: unifiedDiff(p.before, p.after) }));
    return finish();
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
