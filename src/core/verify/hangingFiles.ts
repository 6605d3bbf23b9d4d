/**
 * A baseline that never finishes. One hanging test must not stop every heal: the runner's test
 * files are run one at a time, each with the full time limit, and the files that do not finish are
 * reported as unhealed with their reason. The files that finished make the baseline, and the rest
 * of the heal runs only them.
 */
import type { HealOutcome } from '../api';
import { Failure, type TestRun } from '../model';
import type { Log, TestRunner } from '../ports';
import { runnerNamed } from '../runners';
import { MAX_TEST_FILES, testFilesOf } from '../runners/testFiles';
import { expandCommand, narrowCommand } from './testCommand';

export interface HangingFile {
  file: string;
  reason: string;
}

export interface WithoutHangingFiles {
  /** The files that finished, run together for the baseline. */
  baseline: TestRun;
  /** The command for the rest of the heal: the finished files only. */
  command: string;
  hanging: HangingFile[];
}

export interface HangSearch {
  runner: TestRunner;
  cwd: string;
  command: string;
  timeoutMs: number;
  signal?: AbortSignal;
  log: Log;
}

/** The suite without its hanging files, or undefined when they cannot be told apart (no runner we can narrow, one file, none hangs alone). */
export async function withoutHangingFiles(search: HangSearch): Promise<WithoutHangingFiles | undefined> {
  const expanded = await expandCommand(search.cwd, search.command);
  const runner = runnerNamed(expanded.runner);
  if (!runner || !expanded.simple) return undefined;
  const files = await testFilesOf(runner, expanded.command, search.cwd);
  if (files.length < 2 || files.length > MAX_TEST_FILES) return undefined;
  search.log.info(
    `The tests did not finish within ${seconds(search.timeoutMs)} s: running the ${files.length} test files one at a time to find the one that hangs.`,
  );
  const hanging: HangingFile[] = [];
  const finished: string[] = [];
  for (const file of files) {
    if (search.signal?.aborted) return undefined;
    const run = await search.runner.run({ cwd: search.cwd, command: search.command, files: [file], timeoutMs: search.timeoutMs, signal: search.signal });
    if (run.timedOut) {
      hanging.push({
        file,
        reason: `${file} did not finish within ${seconds(search.timeoutMs)} s; Self-Heal stopped it and healed the other test files without it. A test that never ends (an open handle, a missing done() or await, an endless loop) is the first thing to fix; if it is just slow, raise the limit (--timeout SECONDS or selfHeal.testTimeoutSeconds).`,
      });
      search.log.warn(`${file} did not finish within ${seconds(search.timeoutMs)} s: left out of this heal.`);
    } else {
      finished.push(file);
    }
  }
  if (hanging.length === 0 || finished.length === 0) return undefined;
  // The command for the rest of the heal names its files, so `npm test` is replaced by the runner's own command.
  const command = narrowCommand(expanded, finished);
  const baseline = await search.runner.run({ cwd: search.cwd, command, timeoutMs: search.timeoutMs, signal: search.signal });
  if (baseline.timedOut) return undefined;
  return { baseline, command, hanging };
}

const seconds = (ms: number): number => Math.round(ms / 1000);

/** A hanging file as a heal that found no fix: the user sees the file and why it was left out. */
export function hangingOutcome(hanging: HangingFile, id: string): HealOutcome {
  const failure = Failure.parse({
    id: `${hanging.file} (did not finish)`,
    name: hanging.file,
    file: hanging.file,
    message: hanging.reason,
    stack: [],
    source: 'test-run',
  });
  return {
    id,
    failures: [failure],
    diagnosis: { failures: [failure], class: 'infrastructure', evidence: [hanging.reason], locations: [] },
    reason: hanging.reason,
    tried: [],
    candidatesTried: 0,
    testRuns: 1,
    ms: 0,
  };
}
