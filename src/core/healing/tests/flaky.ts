/**
 * Flaky tests (paper §5.4). Before any failure is healed, its test is rerun on the unchanged code
 * (default 3 times): one that passes on some reruns is flaky, and changing the code until it
 * passes would be "healing" noise. For a flaky test without a known cause the offer is a
 * quarantine — `.skip` with a dated note — labelled as weakening the tests, never applied on its
 * own; a known cause (a clock read twice, an unordered result) is a brittle assertion instead.
 */
import * as path from 'node:path';
import type { RerunResult } from '../../analysis/classify';
import { withTree } from '../../analysis/treeSitter';
import type { Candidate, Failure } from '../../model';
import type { Log, TestRunner } from '../../ports';
import { statusMap } from '../../verify/compare';
import { findTestCall } from './testAst';

export const DEFAULT_RERUNS = 3;

export interface RerunRequest {
  runner: TestRunner;
  cwd: string;
  command: string;
  failures: Failure[];
  /** Reruns per failure (selfHeal.flakyReruns); 0 turns the check off. */
  times?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  log?: Log;
}

/** Rerun the failing tests' files `times` times on the unchanged code; failure id → what happened. */
export async function rerunFailures(request: RerunRequest): Promise<Map<string, RerunResult>> {
  const results = new Map<string, RerunResult>();
  const files = [...new Set(request.failures.map((f) => f.file).filter((f): f is string => !!f && !path.isAbsolute(f)))];
  if (files.length === 0) return results;
  const times = request.times ?? DEFAULT_RERUNS;
  for (let i = 0; i < times; i++) {
    if (request.signal?.aborted) break;
    const run = await request.runner.run({ cwd: request.cwd, command: request.command, files, timeoutMs: request.timeoutMs, signal: request.signal });
    const status = statusMap(run);
    for (const f of request.failures) {
      const failed = run.failures.find((x) => x.id === f.id);
      const passed = status.get(f.id) === 'passed' && !failed;
      // A test that did not run at all (a crash before it) says nothing about flakiness.
      if (!passed && !failed && status.get(f.id) !== 'failed') continue;
      const r = results.get(f.id) ?? { runs: 0, passes: 0, actuals: [] };
      r.runs++;
      if (passed) r.passes++;
      else if (failed?.actual !== undefined) r.actuals.push(failed.actual);
      results.set(f.id, r);
    }
  }
  request.log?.debug(`flaky check: ${[...results].map(([id, r]) => `${id} passed ${r.passes}/${r.runs}`).join('; ')}`);
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
