/**
 * What Self-Heal knows about one test runner, in one place: how to recognise it in a command,
 * where it keeps its configuration, how to get machine-readable results from it (our own reporter
 * module, passed by path, so it works on old versions too), where it writes human results, how to
 * narrow a run to some files, and the runner-specific words used by the test healers.
 */
import type { ParseResult } from '../signals/failure';

export type RunnerName = 'node' | 'mocha' | 'jest' | 'vitest';

/** Extra arguments and environment that make a run also write our report to `reportFile`. */
export interface ReporterPlan {
  /** Appended after the runner's own arguments (existing reporter flags are removed first). */
  args: string[];
  env: Record<string, string>;
  /** Flags (with their values) to take out of the command first, because ours replace them. */
  replaces: readonly string[];
}

export interface TimeoutKnowledge {
  /** The option's name in a config file or package.json key. */
  configKey: string;
  /** The flag in a test script, with its value as group 2. */
  scriptFlag: RegExp;
  newFlag(ms: number): string;
}

export interface RunnerDescriptor {
  readonly name: RunnerName;
  /** The npm package whose version decides what the runner understands. */
  readonly packageName?: string;
  /** Executable names (without directory or .js/.cmd) that start this runner. */
  readonly bins: readonly string[];
  /** Config files it reads from the project root, in the order it looks for them. */
  readonly configFiles: readonly string[];
  /** Its key in package.json, when it reads options from there. */
  readonly packageJsonKey?: string;
  /** Test files it runs when the command names none (globs relative to the project root). */
  readonly defaultTestFiles: readonly RegExp[];
  /**
   * Whether its test ids begin with the test file (`test/a.test.js > suite > test`). Mocha's are its
   * titles alone, so there a first part that spells the file is a suite named after it and stays.
   */
  readonly idsStartWithFile: boolean;
  /** The stream its human-readable results go to: jest writes them to stderr. */
  readonly resultStream: 'stdout' | 'stderr';
  /** Flags that take the next word as their value (so that word is no test path). */
  readonly valueFlags: ReadonlySet<string>;
  /**
   * Whether test paths go before the flags when a command is put back together. Array options
   * (jest's `--reporters`, `--testPathIgnorePatterns`) swallow the words after them; node, though,
   * takes flags after the paths for more path patterns.
   */
  readonly pathsBeforeFlags: boolean;
  /** Positional words right after the executable that are subcommands, not paths (`vitest run`). */
  readonly subcommands: ReadonlySet<string>;
  /** Arguments for our reporter, or undefined when this runner's plain output is machine-readable enough. */
  reporter(reportersDir: string, reportFile: string): ReporterPlan | undefined;
  /** Our reporter's file. */
  parseReport(text: string, root: string): ParseResult;
  /**
   * Our reporter splits V8 coverage per test when TEST_COVERAGE_DIR_ENV is set, so one run gives
   * every test's lines (spectrum-based localization); otherwise each test costs a run of its own.
   */
  readonly perTestCoverage?: boolean;
  /** Arguments (unquoted words) that run only the tests whose full names match `pattern` (a regular expression), where the runner has them. */
  nameFilter?(pattern: string): string[];
  /**
   * Retries of a failing test inside one run (mocha's `--retries`, since 2.4.0): the flaky check's
   * reruns in one runner start instead of one each.
   */
  readonly retries?: { readonly since: string; flag(times: number): string };
  /** Flag that re-records one test's snapshots (undefined: the runner has no snapshots). */
  readonly snapshotUpdateFlag?: string;
  /** Where a test's time limit is set. */
  readonly timeout: TimeoutKnowledge;
}
