/**
 * The first part of a diagnosis: rerun each failing test on the unchanged code. One that passes
 * on some reruns is flaky (healing/tests/flaky.ts offers the quarantine), and changing the code
 * until it passes would be "healing" noise.
 */
import * as path from 'node:path';
import type { Failure } from '../model';
import type { Log, TestRunner } from '../ports';
import { statusMap } from '../verify/compare';
import type { RerunResult } from '../verify/search';

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
  let inProcess = request.inProcess;
  for (let i = 0; i < times && !settled(); i++) {
    if (request.signal?.aborted) break;
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
  request.log?.debug(`flaky check: ${[...results].map(([id, r]) => `${id} passed ${r.passes}/${r.runs}`).join('; ')}`);
  return results;
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
