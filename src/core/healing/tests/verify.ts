/**
 * Verification for the test edits the shared search cannot judge: a quarantine (the test ends up
 * skipped, not passing) and a failure node:test pins on a whole file (the "test failed" entry for
 * late async activity, which simply vanishes when healed, while the acceptance rule in
 * verify/compare.ts only lets `command:` entries pass by vanishing). The rule is otherwise the
 * same: the failing test files first, then the full suite; nothing that passed at baseline may
 * fail; the sandbox is rolled back either way.
 */
import type { Candidate, Failure, TestRun } from '../../model';
import type { TestRunner } from '../../ports';
import { compareRuns, statusMap } from '../../verify/compare';
import type { Sandbox } from '../../verify/sandbox';
import { applyEdits } from '../../edits';
import type { Attempt } from '../../verify/search';

export interface OwnVerifyContext {
  sandbox: Sandbox;
  runner: TestRunner;
  command: string;
  baseline: TestRun;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A failure node:test reports for a whole file (its id is the file's path). */
export const isFileLevel = (f: Pick<Failure, 'id' | 'file'>): boolean => f.id === f.file;

/**
 * `pass`: tests that must now pass. `vanish`: failures that must be gone (neither failed nor
 * failing), which a skipped or a healed file-level failure is.
 */
export async function verifyTestEdit(
  candidate: Candidate,
  ctx: OwnVerifyContext,
  expect: { pass: string[]; vanish: string[]; testFiles: string[] },
): Promise<Attempt & { runs: number }> {
  let runs = 0;
  const gone = (run: TestRun): string[] => expect.vanish.filter((id) => run.failures.some((f) => f.id === id) || statusMap(run).get(id) === 'failed');
  try {
    for (const file of new Set(candidate.edits.map((e) => e.file))) {
      await ctx.sandbox.write(
        file,
        applyEdits(
          (await ctx.sandbox.read(file)) ?? '',
          candidate.edits.filter((e) => e.file === file),
        ),
      );
    }
    if (expect.testFiles.length > 0) {
      runs++;
      const narrowed = await ctx.runner.run({
        cwd: ctx.sandbox.cwd,
        command: ctx.command,
        files: expect.testFiles,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
      });
      const check = compareRuns(ctx.baseline, narrowed, expect.pass);
      const left = gone(narrowed);
      if (check.stillFailing.length > 0 || left.length > 0 || narrowed.timedOut) {
        return {
          reason: narrowed.timedOut
            ? 'the test run timed out'
            : `${check.stillFailing.length + left.length} of ${expect.pass.length + expect.vanish.length} targeted failure(s) remain`,
          output: narrowed.output,
          runs,
        };
      }
    }
    runs++;
    const run = await ctx.runner.run({ cwd: ctx.sandbox.cwd, command: ctx.command, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    const comparison = compareRuns(ctx.baseline, run, expect.pass);
    const left = gone(run);
    // The vanishing failures were failing at baseline, so compareRuns does not count them as regressions.
    const verified =
      !run.timedOut &&
      comparison.stillFailing.length === 0 &&
      comparison.evidence.suite.newlyFailing.length === 0 &&
      left.length === 0 &&
      run.failures.every((f) => ctx.baseline.failures.some((b) => b.id === f.id) && !expect.pass.includes(f.id));
    if (!verified) return { reason: left.length ? `still failing: ${left.join(', ')}` : comparison.reason, output: run.output, runs };
    comparison.evidence.targeted = { passed: expect.pass.length + expect.vanish.length, total: expect.pass.length + expect.vanish.length };
    return {
      found: { candidate, comparison: { ...comparison, verified: true, reason: 'all targeted failures are gone and nothing regressed' }, run },
      reason: 'verified',
      output: run.output,
      runs,
    };
  } finally {
    await ctx.sandbox.reset();
  }
}
