/**
 * The first part of a diagnosis: rerun each failing test on the unchanged code. One that passes
 * on some reruns is flaky (healing/tests/flaky.ts offers the quarantine), and changing the code
 * until it passes would be "healing" noise.
 */
import * as path from 'node:path';
import { coerce, gte } from 'semver';
import type { Failure } from '../model';
import type { Log, TestRunner } from '../ports';
import { installedVersion, runnerNamed } from '../runners';
import { statusMap } from '../verify/compare';
import type { RerunResult } from '../verify/search';
import { expandCommand, narrowCommand, shellQuote } from '../verify/testCommand';
import { anyTestPattern } from './sbfl';

/**
 * The most reruns per failure. A test that passes at least half of the time fails n reruns in a
 * row with a chance of at most 0.5^n; seven bring that under 1% (0.8%). Reruns stop as soon as
 * every failing test has passed once, so a flaky test usually costs one or two.
 */
export const DEFAULT_RERUNS = 7;

export interface RerunRequest {
  runner: TestRunner;
  cwd: string;
  command: string;
  failures: Failure[];
  /** The most reruns per failure (selfHeal.flakyReruns); 0 turns the check off. */
  times?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  log?: Log;
  /**
   * `times` reruns in-process (Search.rerunTargeted): milliseconds where a runner start costs
   * hundreds. Undefined when it cannot run these tests; the real command reruns them then.
   */
  inProcess?: (times: number) => Promise<Map<string, RerunResult> | undefined>;
}

/** Rerun the failing tests on the unchanged code until each has passed once, or `times` times; failure id → what happened. */
export async function rerunFailures(request: RerunRequest): Promise<Map<string, RerunResult>> {
  const results = new Map<string, RerunResult>();
  const files = [...new Set(request.failures.map((f) => f.file).filter((f): f is string => !!f && !path.isAbsolute(f)))];
  if (files.length === 0 && !request.inProcess) return results;
  const times = request.times ?? DEFAULT_RERUNS;
  const settled = (): boolean => request.failures.every((f) => (results.get(f.id)?.passes ?? 0) > 0);
  const started = Date.now();
  // Where the runner retries a failing test itself, all the reruns are one run of the failing
  // tests: no in-process screen has to be started for them (an LLM-only heal never needs one).
  if (times > 1) {
    const retried = await rerunWithRetries(request, files, times);
    if (retried) {
      request.log?.debug(`flaky check (${times} tries in one run, ${Date.now() - started} ms): ${outcomesText(retried)}`);
      return retried;
    }
  }
  let inProcess = request.inProcess;
  let runs = 0;
  for (let i = 0; i < times && !settled(); i++) {
    if (request.signal?.aborted) break;
    runs++;
    let rerun = inProcess ? await inProcess(1) : undefined;
    if (!rerun) {
      inProcess = undefined;
      if (files.length === 0) break;
      rerun = await rerunWithCommand(request, files);
    }
    for (const [id, r] of rerun) {
      const sum = results.get(id) ?? { runs: 0, passes: 0, actuals: [] };
      results.set(id, { runs: sum.runs + r.runs, passes: sum.passes + r.passes, actuals: [...sum.actuals, ...r.actuals] });
    }
  }
  request.log?.debug(`flaky check (${runs} rerun(s), ${Date.now() - started} ms): ${outcomesText(results)}`);
  return results;
}

const outcomesText = (results: Map<string, RerunResult>): string => [...results].map(([id, r]) => `${id} passed ${r.passes}/${r.runs}`).join('; ');

/**
 * All the reruns in one run, where the runner retries a failing test itself (mocha's --retries):
 * only the failing tests run, each up to `times` times until it passes once. A runner start can
 * cost seconds (a suite whose entry loads every spec), seven of them more than the rest of a heal.
 * The tries share one process: a flake decided in the test (timing, randomness, order, the clock)
 * shows in them, one decided once per process at load time would not (the in-process screen,
 * which reloads modules, and runs with the real command do see that; they cost more).
 * Undefined where the runner or its version cannot, or when the run did not run these tests.
 */
async function rerunWithRetries(request: RerunRequest, files: string[], times: number): Promise<Map<string, RerunResult> | undefined> {
  const expanded = await expandCommand(request.cwd, request.command);
  const runner = runnerNamed(expanded.runner);
  const failures = request.failures.filter((f) => f.file && f.id !== f.file && !f.id.startsWith('command: '));
  if (!runner?.retries || !runner.nameFilter || !expanded.simple || files.length === 0 || failures.length !== request.failures.length) return undefined;
  const version = coerce(await installedVersion(runner, request.cwd));
  if (!version || !gte(version, runner.retries.since)) return undefined;
  const command = [
    narrowCommand(expanded, files),
    ...runner.nameFilter(anyTestPattern(runner.name, failures)).map(shellQuote),
    runner.retries.flag(times - 1),
  ].join(' ');
  const run = await request.runner.run({ cwd: request.cwd, command, timeoutMs: request.timeoutMs, signal: request.signal });
  const status = statusMap(run);
  const results = new Map<string, RerunResult>();
  for (const f of failures) {
    const failed = run.failures.find((x) => x.id === f.id);
    // Passed on some try: flaky. Failed: it failed every one of them. Only the last try's value is
    // reported, so the baseline's stands beside it for "the value changes from run to run".
    if (status.get(f.id) === 'passed' && !failed) results.set(f.id, { runs: 1, passes: 1, actuals: [] });
    else if (failed) results.set(f.id, { runs: times, passes: 0, actuals: [f.actual, failed.actual].filter((v): v is string => v !== undefined) });
  }
  return results.size === failures.length ? results : undefined;
}

/** One rerun of the failing tests' files with the real test command. */
async function rerunWithCommand(request: RerunRequest, files: string[]): Promise<Map<string, RerunResult>> {
  const results = new Map<string, RerunResult>();
  const run = await request.runner.run({ cwd: request.cwd, command: request.command, files, timeoutMs: request.timeoutMs, signal: request.signal });
  const status = statusMap(run);
  for (const f of request.failures) {
    const failed = run.failures.find((x) => x.id === f.id);
    const passed = status.get(f.id) === 'passed' && !failed;
    // A test that did not run at all (a crash before it) says nothing about flakiness.
    if (!passed && !failed && status.get(f.id) !== 'failed') continue;
    results.set(f.id, { runs: 1, passes: passed ? 1 : 0, actuals: !passed && failed?.actual !== undefined ? [failed.actual] : [] });
  }
  return results;
}
