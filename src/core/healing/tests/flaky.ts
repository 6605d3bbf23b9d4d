/**
 * Flaky tests (paper §5.4). Before any failure is healed, its test is rerun on the unchanged code:
 * one that passes on some reruns is flaky, and changing the code until it passes would be
 * "healing" noise. For a flaky test without a known cause the offer is a quarantine — `.skip`
 * with a dated note — labelled as weakening the tests, never applied on its own; a known cause (a
 * clock read twice, an unordered result) is a brittle assertion instead.
 */
import * as path from 'node:path';
import type { RerunResult } from '../../verify/search';
import { withTree } from '../../analysis/treeSitter';
import type { Candidate, Failure } from '../../model';
import type { Log, TestRunner } from '../../ports';
import { statusMap } from '../../verify/compare';
import { findTestCall } from '../../analysis/testAst';

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

/** `test(...)` → `test.skip(...)`, with a dated note above it saying why and what to do. */
export async function quarantineCandidate(failure: Failure, text: string, why: string, today = new Date()): Promise<Candidate | undefined> {
  const file = failure.file;
  if (!file) return undefined;
  const edits = await withTree(file, text, (tree) => {
    const call = findTestCall(tree.rootNode, failure.id);
    const callee = call?.childForFieldName('function');
    if (!call || !callee) return undefined;
    const statement = call.parent?.type === 'expression_statement' ? call.parent : call;
    const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const note = `${indent}// Quarantined by Self-Heal on ${today.toISOString().slice(0, 10)}: flaky (${why}). Find the cause, then remove .skip.\n`;
    const base = callee.type === 'member_expression' ? callee.childForFieldName('object')! : callee;
    return [
      { file, start: lineStart, end: lineStart, newText: note },
      { file, start: base.endIndex, end: callee.endIndex, newText: '.skip' },
    ];
  });
  if (!edits) return undefined;
  return { id: `t-quarantine-${failure.id}`, engine: 'test', operator: 'quarantine', summary: `Quarantine the flaky test "${failure.name}" (skip it, with a note)`, edits, cost: 1, editsTests: true, labels: ['test edit', 'quarantine'] };
}
