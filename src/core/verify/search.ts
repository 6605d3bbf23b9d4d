/**
 * The search: try candidates in order until one is verified. Each candidate is written into the
 * sandbox, screened cheaply (in-process worker, or a real run narrowed to the failing test files),
 * and only a candidate that passes the screen pays for the full suite. The sandbox is reset after
 * every candidate — a failed candidate is rolled back before the next one is tried.
 */
import * as path from 'node:path';
import { applyEdits } from '../edits';
import type { Candidate, TestRun, Verdict } from '../model';
import type { Log, TestRunner } from '../ports';
import { compareRuns, type Comparison } from './compare';
import type { Sandbox } from './sandbox';
import { Screen } from './screen';

/** What reruns of the unchanged code showed for one failing test (see healing/tests/flaky.ts). */
export interface RerunResult {
  runs: number;
  passes: number;
  /** The `actual` value of each failing rerun, when the runner reported one. */
  actuals: string[];
}

export interface SearchContext {
  sandbox: Sandbox;
  runner: TestRunner;
  command: string;
  baseline: TestRun;
  /** Ids of the failing tests this search must make pass. */
  targeted: string[];
  /** Workspace-relative test files that hold the targeted tests (for narrowed runs and the screen). */
  testFiles: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  log: Log;
}

export interface Found {
  candidate: Candidate;
  comparison: Comparison;
  run: TestRun;
}

/** What the verifier says of one candidate: the verified fix, or why not, with the judging run's output. */
export interface Attempt {
  found?: Found;
  /** Plain words, e.g. "1 of 2 targeted test(s) still fail". */
  reason: string;
  /** Test output of the run that judged the candidate (feedback for the LLM's next attempt). */
  output: string;
}

/** How every engine verifies a candidate: write it into the sandbox, run, compare, roll back. */
export type Verify = (candidate: Candidate) => Promise<Attempt>;

export interface Tally {
  tried: Verdict[];
  testRuns: number;
  /** Candidates that made some targeted assertions pass without passing: parents for pairs. */
  promising: Array<{ candidate: Candidate; fitness: number }>;
}

type ScreenVerdict = { pass: boolean; fitness: number; reason: string; timeout?: boolean };

export class Search {
  private screen: Screen | undefined;
  private screenBaseline: Map<string, { status: string; assertions: number }> | undefined;
  private baselineFitness = 0;
  private prepared = false;
  /** The unpatched code fails to load in the screen, so "pass" means: loads, and every test passes. */
  private loadFailed = false;
  /** How long one screen of the unpatched code took: a candidate many times slower is hanging. */
  private screenBudgetMs = 3000;
  /** Targeted test id (as the real runner names it) → the screen's id for the same test. */
  private screenIds = new Map<string, string>();
  private narrowing: Promise<boolean> | undefined;
  readonly tally: Tally = { tried: [], testRuns: 0, promising: [] };

  constructor(private readonly ctx: SearchContext) {}

  /** Start the in-process screen when the targeted tests can run there and it sees the same failures. */
  async prepare(): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    if (this.ctx.testFiles.length === 0) return;
    const screen = new Screen(this.ctx.sandbox.cwd, Math.min(this.ctx.timeoutMs, 5000));
    let outcome = await screen.run(this.absoluteTestFiles(), Math.min(this.ctx.timeoutMs, 15000), this.ctx.signal);
    // Once more, warm: the first run pays for process start-up and module loading, and the
    // hang budget below is derived from the time of a typical run.
    if (outcome.kind === 'ran') outcome = await screen.run(this.absoluteTestFiles(), Math.min(this.ctx.timeoutMs, 15000), this.ctx.signal);
    if (outcome.kind === 'ran' && outcome.tests.length === 0 && outcome.loadError && !this.realRunnerLoadedTargets()) {
      // The code under test does not even load (a syntax error, a redeclared name): the real
      // runner reports the file, the screen sees a load error. A candidate passes the screen
      // when the files load and every test in them passes.
      this.screen = screen;
      this.screenBaseline = new Map();
      this.loadFailed = true;
      return;
    }
    if (outcome.kind !== 'ran' || outcome.tests.length === 0) {
      this.ctx.log.debug(
        `screen: not used (${outcome.kind === 'unsupported' ? outcome.reason : outcome.kind === 'ran' ? (outcome.loadError ?? 'no tests') : 'timeout'})`,
      );
      screen.dispose();
      return;
    }
    const byId = new Map(outcome.tests.map((t) => [t.id, { status: t.status, assertions: t.assertions }]));
    // Runners differ in whether an id carries the file (node:test's TAP names it only for
    // failures), so a screen id `file > suite > name` also matches `suite > name`.
    for (const id of this.ctx.targeted) {
      const match = outcome.tests.find((t) => t.id === id || t.id.endsWith(` > ${id}`));
      if (match) this.screenIds.set(id, match.id);
    }
    // The screen must agree with the real runner on what fails, or its verdicts mean nothing.
    const agrees = this.ctx.targeted.every((id) => byId.get(this.screenIds.get(id) ?? id)?.status === 'failed');
    if (!agrees) {
      this.ctx.log.debug('screen: not used (its test ids or results differ from the real runner)');
      screen.dispose();
      return;
    }
    this.screen = screen;
    this.screenBaseline = byId;
    // Mutants that loop forever are common (a flipped loop condition); waiting seconds for each
    // would dominate the search. 20× the unpatched time, within [400 ms, timeout].
    this.screenBudgetMs = Math.min(this.ctx.timeoutMs, Math.max(400, outcome.ms * 20));
    this.baselineFitness = this.fitness(outcome.tests);
  }

  /**
   * The flaky check's reruns, done in the screen when it runs these tests faithfully: in-process
   * reruns cost milliseconds where a runner start costs hundreds, and they see the same sources of
   * flakiness that matter most (randomness, the clock, order). Undefined when the screen cannot
   * run them, and the caller reruns with the real command instead.
   */
  async rerunTargeted(times: number): Promise<Map<string, RerunResult> | undefined> {
    await this.prepare();
    if (!this.screen?.supported || this.loadFailed) return undefined;
    const results = new Map<string, RerunResult>();
    for (let i = 0; i < times; i++) {
      const outcome = await this.screen.run(this.absoluteTestFiles(), this.screenBudgetMs, this.ctx.signal);
      if (outcome.kind !== 'ran') return undefined;
      const byId = new Map(outcome.tests.map((t) => [t.id, t.status]));
      for (const id of this.ctx.targeted) {
        const status = byId.get(this.screenIds.get(id) ?? id);
        if (status !== 'passed' && status !== 'failed') continue;
        const r = results.get(id) ?? { runs: 0, passes: 0, actuals: [] };
        r.runs++;
        if (status === 'passed') r.passes++;
        results.set(id, r);
      }
    }
    return results;
  }

  /**
   * Whether the real runner ran the targeted tests as tests, not as a file or command that failed
   * to load. Then a load error in the screen is the screen's own (an entry file that a spec
   * framework patches twice, a global left over from a warm run), and judging candidates by
   * "still does not load" would reject every one of them.
   */
  private realRunnerLoadedTargets(): boolean {
    return this.ctx.targeted.some((id) => !this.ctx.testFiles.includes(id) && !id.startsWith('command: '));
  }

  private absoluteTestFiles(): string[] {
    return this.ctx.testFiles.map((f) => path.join(this.ctx.sandbox.cwd, f));
  }

  private fitness(tests: Array<{ id: string; status: string; assertions: number }>): number {
    let score = 0;
    const targeted = new Set(this.ctx.targeted.map((id) => this.screenIds.get(id) ?? id));
    for (const t of tests) if (targeted.has(t.id)) score += t.status === 'passed' ? 1000 : t.assertions;
    return score;
  }

  private async runScreen(): Promise<ScreenVerdict> {
    const outcome = await this.screen!.run(this.absoluteTestFiles(), this.screenBudgetMs, this.ctx.signal);
    if (outcome.kind === 'timeout') return { pass: false, fitness: 0, reason: 'hangs (screen timed out)', timeout: true };
    if (outcome.kind === 'unsupported') return { pass: true, fitness: 0, reason: 'screen unsupported' };
    if (this.loadFailed) {
      const loads = !outcome.loadError && outcome.tests.length > 0;
      const passed = outcome.tests.filter((t) => t.status === 'passed').length;
      const pass = loads && outcome.tests.every((t) => t.status !== 'failed');
      return { pass, fitness: loads ? 1 + passed : 0, reason: pass ? 'passes the screen' : loads ? 'loads now, but tests still fail' : 'still does not load' };
    }
    const byId = new Map(outcome.tests.map((t) => [t.id, t]));
    const still = this.ctx.targeted.filter((id) => byId.get(this.screenIds.get(id) ?? id)?.status !== 'passed');
    const broken = [...this.screenBaseline!].filter(([id, b]) => b.status === 'passed' && byId.get(id)?.status !== 'passed').map(([id]) => id);
    const fitness = broken.length > 0 ? 0 : this.fitness(outcome.tests);
    if (still.length === 0 && broken.length === 0) return { pass: true, fitness, reason: 'passes the screen' };
    return {
      pass: false,
      fitness,
      reason: broken.length ? `breaks ${broken.length} passing test(s)` : `${still.length} of ${this.ctx.targeted.length} targeted test(s) still fail`,
    };
  }

  /** Write, screen, verify, roll back. Returns the verified result or undefined. */
  async tryCandidate(candidate: Candidate): Promise<Found | undefined> {
    const { sandbox } = this.ctx;
    try {
      for (const [file, edits] of groupByFile(candidate)) {
        const text = (await sandbox.read(file)) ?? '';
        await sandbox.write(file, applyEdits(text, edits));
      }
      if (this.screen?.supported) {
        const screened = await this.runScreen();
        if (!screened.pass) {
          this.record(candidate, screened.timeout ? 'timeout' : 'rejected', screened.reason);
          if (screened.fitness > this.baselineFitness) this.tally.promising.push({ candidate, fitness: screened.fitness });
          return undefined;
        }
      } else if (this.ctx.testFiles.length > 0 && (await this.narrowingHelps())) {
        const narrowed = await this.real(this.ctx.testFiles);
        const check = compareRuns(this.ctx.baseline, narrowed, this.ctx.targeted);
        if (check.stillFailing.length > 0 || narrowed.timedOut) {
          this.record(candidate, narrowed.timedOut ? 'timeout' : 'rejected', check.reason);
          return undefined;
        }
      }
      const run = await this.real();
      const comparison = compareRuns(this.ctx.baseline, run, this.ctx.targeted);
      this.record(candidate, comparison.verified ? 'verified' : run.timedOut ? 'timeout' : 'rejected', comparison.reason, comparison);
      return comparison.verified ? { candidate, comparison, run } : undefined;
    } finally {
      await sandbox.reset();
    }
  }

  /**
   * Verify with real runs only, keeping the output: the LLM engine feeds what still fails back
   * into its next prompt, and a model's few candidates are worth the runner's start-up time.
   */
  async verifyWithOutput(candidate: Candidate): Promise<Attempt> {
    const { sandbox } = this.ctx;
    try {
      for (const [file, edits] of groupByFile(candidate)) {
        const text = (await sandbox.read(file)) ?? '';
        await sandbox.write(file, applyEdits(text, edits));
      }
      if (this.ctx.testFiles.length > 0 && (await this.narrowingHelps())) {
        const narrowed = await this.real(this.ctx.testFiles);
        const check = compareRuns(this.ctx.baseline, narrowed, this.ctx.targeted);
        if (check.stillFailing.length > 0 || narrowed.timedOut) {
          this.record(candidate, narrowed.timedOut ? 'timeout' : 'rejected', check.reason);
          return { reason: check.reason, output: narrowed.output };
        }
      }
      const run = await this.real();
      const comparison = compareRuns(this.ctx.baseline, run, this.ctx.targeted);
      this.record(candidate, comparison.verified ? 'verified' : run.timedOut ? 'timeout' : 'rejected', comparison.reason, comparison);
      return { found: comparison.verified ? { candidate, comparison, run } : undefined, reason: comparison.reason, output: run.output };
    } finally {
      await sandbox.reset();
    }
  }

  /**
   * Whether the narrowed run before the full one saves anything. When the targeted tests' file is
   * the command's own entry (`mocha test/index.js`, which requires every spec), the narrowed run is
   * the whole suite again, and every candidate would pay for it twice.
   */
  private narrowingHelps(): Promise<boolean> {
    this.narrowing ??= this.ctx.runner.narrows?.({ cwd: this.ctx.sandbox.cwd, command: this.ctx.command, files: this.ctx.testFiles }) ?? Promise.resolve(true);
    return this.narrowing;
  }

  private async real(files?: string[]): Promise<TestRun> {
    this.tally.testRuns++;
    return this.ctx.runner.run({ cwd: this.ctx.sandbox.cwd, command: this.ctx.command, files, timeoutMs: this.ctx.timeoutMs, signal: this.ctx.signal });
  }

  private record(candidate: Candidate, status: Verdict['status'], reason: string, comparison?: Comparison): void {
    this.ctx.log.debug(`candidate ${this.tally.tried.length + 1}: ${candidate.summary} → ${status} (${reason})`);
    this.tally.tried.push({ candidateId: candidate.id, summary: candidate.summary, status, reason, evidence: comparison?.evidence });
  }

  dispose(): void {
    this.screen?.dispose();
  }
}

function groupByFile(candidate: Candidate): Map<string, Candidate['edits']> {
  const out = new Map<string, Candidate['edits']>();
  for (const e of candidate.edits) out.set(e.file, [...(out.get(e.file) ?? []), e]);
  return out;
}
