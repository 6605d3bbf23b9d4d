/**
 * The record both node:test readers (TAP in nodeTest.ts, spec in nodeSpec.ts) produce, and the one
 * function that turns those records into outcomes and failures, so the two formats cannot drift.
 */
import path from 'node:path';
import type { StackFrame, TestOutcome } from '../model';
import { emptyResult, lineIn, makeFailure, testFileIn, testId, uniqueOutcomes, type ParseResult } from './failure';

/** One reported test or suite, whichever reporter printed it. */
export interface NodeTest {
  /** Suite names then the test's name; file wrappers are not included. */
  names: string[];
  /** File named by a wrapper subtest: known whatever the status, so it may go into the id. */
  file?: string;
  status: TestOutcome['status'];
  /** Failed for a reason of its own (not merely because a subtest failed, nor cancelled by a parent). */
  failure?: { message: string; expected?: string; actual?: string; stack: StackFrame[]; location?: StackFrame };
  /** A suite, or a test with subtests: only its own failures produce an outcome. */
  container: boolean;
}

/**
 * A file path where a test name should be. Before nodejs/node#46440 every file's tests were
 * wrapped in a subtest named by the file's path; Node 20 still reports a file that fails to load
 * (or has no tests) that way.
 */
export function isFileName(name: string): boolean {
  return /\.[cm]?[jt]sx?$/.test(name) && (path.isAbsolute(name) || !/\s/.test(name));
}

/**
 * NodeTest records → outcomes and failures. Ids leave the file out unless a wrapper named it:
 * node reports a test's file (`location:`, stack) only when the test fails, so an id built from
 * it would change the moment the test passed. The Failure still carries the file.
 */
export function nodeTestResults(tests: readonly NodeTest[]): ParseResult {
  if (tests.length === 0) return emptyResult();
  const result = emptyResult();
  const outcomes: TestOutcome[] = [];
  for (const test of tests) {
    if (test.container && !test.failure) continue;
    const id = testId(test.file, test.names);
    outcomes.push({ id, status: test.status });
    if (!test.failure) continue;
    const { message, expected, actual, stack, location } = test.failure;
    const file = location?.file ?? test.file ?? testFileIn(stack);
    result.failures.push(
      makeFailure({
        id,
        name: test.names.at(-1) ?? file ?? id,
        file,
        line: lineIn(stack, file) ?? location?.line,
        message,
        expected,
        actual,
        stack,
        runner: 'node',
      }),
    );
  }
  result.outcomes = uniqueOutcomes(outcomes);
  return result;
}
