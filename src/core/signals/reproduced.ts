/**
 * Which of the failures a host asked about (a diagnostic, a terminal's output, a Testing-view
 * message) the sandbox's own run reproduces. The match is exact: the same test, never "the same
 * file" or "every failure", because "find a fix for this failure" must not quietly become a
 * whole-suite heal. A failure the sandbox does not reproduce is reported as such.
 */
import type { Failure, TestRun } from '../model';

export interface NotReproduced {
  failure: Failure;
  /** True when the sandbox ran that test and it passed; false when the run had no such test. */
  passed: boolean;
}

export interface Reproduction {
  reproduced: Failure[];
  notReproduced: NotReproduced[];
}

/** All baseline failures when nothing was asked; otherwise each asked failure matched to the baseline's. */
export function reproducedFailures(baseline: TestRun, asked?: readonly Failure[]): Reproduction {
  if (!asked?.length) return { reproduced: baseline.failures, notReproduced: [] };
  const reproduced = new Set<Failure>();
  const notReproduced: NotReproduced[] = [];
  for (const failure of asked) {
    // The same id is the same test. File and name are a fallback for hosts that spell the suite
    // path differently; when the id itself is there, another suite's test of that name (`default`
    // in two suites of one entry file) is another test, and must not join the heal.
    const exact = failure.source === 'diagnostic' ? [] : baseline.failures.filter((candidate) => candidate.id === failure.id);
    const matches = exact.length > 0 ? exact : baseline.failures.filter((candidate) => sameFailure(failure, candidate));
    // A name without a file must pick out one test; two tests of that name would widen the heal.
    if (matches.length === 1 || (matches.length > 1 && (failure.file !== undefined || failure.source === 'diagnostic')))
      for (const match of matches) reproduced.add(match);
    else notReproduced.push({ failure, passed: baseline.outcomes.some((o) => o.status === 'passed' && sameTestId(failure, o.id)) });
  }
  // Baseline order, so grouping and progress read the same as a whole-suite heal.
  return { reproduced: baseline.failures.filter((f) => reproduced.has(f)), notReproduced };
}

/**
 * The same failure, as another reporter or host may have named it. A test is the same when its id
 * is, or when file and name both are (a terminal's spec output and our reporter spell the suite
 * path differently). A compiler diagnostic is reproduced by the failing tests whose stack passes
 * through its file: those are the tests a fix for it must make pass.
 */
function sameFailure(asked: Failure, found: Failure): boolean {
  if (asked.id === found.id) return true;
  if (asked.source === 'diagnostic') return asked.file !== undefined && (found.file === asked.file || found.stack.some((frame) => frame.file === asked.file));
  if (asked.file !== undefined && found.file !== undefined) return asked.file === found.file && asked.name === found.name;
  // A host that knows only the name (a plain-text signal).
  return asked.file === undefined && asked.name === found.name;
}

/** Whether an outcome is the asked test. node:test's TAP names passing tests without their file, so a bare name counts. */
function sameTestId(asked: Failure, outcomeId: string): boolean {
  if (outcomeId === asked.id || outcomeId === asked.name) return true;
  return asked.file !== undefined && outcomeId.startsWith(`${asked.file} `) && outcomeId.endsWith(` > ${asked.name}`);
}
