/**
 * One benchmark case, end to end: a real workspace with a failing test, the same heal pipeline as
 * `self-heal heal` (healWorkspace on DiskFiles), then the grading: plausible (a verified fix came
 * back), rechecked (the fix, written into the workspace, passes its test command when run
 * independently of Self-Heal), correct (behaves like the reference beyond the tests) and no
 * regressions (evidence.suite.newlyFailing is empty).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DiskFiles } from '../src/cli/adapters/files';
import type { HealOptions, HealReport } from '../src/core/api';
import { isTestFile } from '../src/core/analysis/localize';
import { healWorkspace } from '../src/core/heal';
import type { MutationPriors } from '../src/core/healing/mutation/priors';
import { compareBehaviour, type Grade } from './grading/grade';
import { createWorkspace } from './workspace';

export interface BenchCase {
  id: string;
  /** What the bug is, when the id does not say (a mutant's operator and line). */
  title?: string;
  suite: string;
  /** Class reported in the table (HumanEvalFix bug_type, a Stryker mutator, an example's class). */
  bugType: string;
  files: Record<string, string>;
  packages: string[];
  /** Workspace-relative file the bug is in, whose patched text is graded. */
  target: string;
  /**
   * Correct texts of `target`. A fix is correct when it equals one of them or behaves like one.
   * More than one where the spec allows several behaviours (parseFloat vs Number on "").
   */
  references: string[];
  /**
   * 'test' for a problem in the test itself (outdated snapshot, brittle assertion): there the
   * right heal edits only test files and leaves the code alone.
   */
  fixIn?: 'source' | 'test';
  /** Script that exercises the functions (see behaviourWorker.ts), and the exports to compare. */
  driver: string;
  entries: string[];
}

/** Which engines heal, as `self-heal heal --engine` would set them (see bench/llm.ts). */
export interface EngineChoice {
  name: 'offline' | 'llm' | 'all';
  engines: NonNullable<HealOptions['engines']>;
  llm?: HealOptions['llm'];
  llmMaxAttempts?: number;
  describe: string;
}

export interface CaseResult {
  id: string;
  title?: string;
  suite: string;
  bugType: string;
  engine: string;
  status: 'fixed' | 'not-fixed' | 'error';
  plausible: boolean;
  correct: boolean;
  overfit: boolean;
  /** The fix also passes an independent run of the test command (undefined: no fix). */
  rechecked?: boolean;
  /** Tests that passed at baseline and fail with the fix: must be empty for every heal. */
  regressions: string[];
  /** Wall time of healWorkspace, and of the heal that produced the fix. */
  ms: number;
  healMs?: number;
  /** Time the mutation guard took after verification (part of `ms`). */
  guardMs?: number;
  candidatesTried: number;
  testRuns: number;
  /** LLM tokens spent, when the model was consulted. */
  tokens?: { input: number; output: number };
  baseline?: { passed: number; failed: number };
  /** The core's diagnosis of the failure (code-bug, brittle-assertion, …). */
  diagnosis?: string;
  fix?: { engine: string; operator: string; summary: string; diff: string; confidence?: 'verified' | 'ambiguous' };
  grade?: Omit<Grade, 'correct'>;
  reason?: string;
  error?: string;
}

/** True when the command exits 0 in time. */
function succeeds(cmd: string, args: string[], cwd: string, timeout: number): Promise<boolean> {
  const env = { ...process.env };
  // Under `node --test` this variable would make the child report to our runner, not exit.
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) => execFile(cmd, args, { cwd, timeout, killSignal: 'SIGKILL', env }, (error) => resolve(!error)));
}

/** A case's result before its heal says anything: an error, nothing fixed, nothing run. */
export function unhealedResult(c: BenchCase, engine: string, error?: string): CaseResult {
  return {
    id: c.id,
    title: c.title,
    suite: c.suite,
    bugType: c.bugType,
    engine,
    status: 'error',
    plausible: false,
    correct: false,
    overfit: false,
    regressions: [],
    ms: 0,
    candidatesTried: 0,
    testRuns: 0,
    ...(error === undefined ? {} : { error }),
  };
}

/** `priors`: the mutation engine's costs for this case (cross-validation fits them per fold); default: the shipped ones. */
export async function runCase(c: BenchCase, engine: EngineChoice, taskTimeoutMs: number, priors?: MutationPriors): Promise<CaseResult> {
  const result = unhealedResult(c, engine.name);
  const workspace = await createWorkspace(c.id, c.files, c.packages);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), taskTimeoutMs);
  try {
    const started = Date.now();
    let report: HealReport;
    try {
      report = await healWorkspace({
        files: new DiskFiles(workspace.dir),
        testTimeoutMs: 10_000,
        engines: engine.engines,
        mutationPriors: priors,
        llm: engine.llm,
        llmMaxAttempts: engine.llmMaxAttempts,
        signal: controller.signal,
      });
    } catch (error) {
      result.ms = Date.now() - started;
      result.error = controller.signal.aborted
        ? `gave up after the ${Math.round(taskTimeoutMs / 1000)} s task limit`
        : `${(error as Error).name}: ${(error as Error).message}`;
      return result;
    }
    result.ms = Date.now() - started;
    result.baseline = { passed: report.baseline.passed, failed: report.baseline.failed };
    result.candidatesTried = report.heals.reduce((n, h) => n + h.candidatesTried, 0);
    result.testRuns = report.heals.reduce((n, h) => n + h.testRuns, 0);
    const tokens = report.heals.reduce((t, h) => ({ input: t.input + (h.tokens?.input ?? 0), output: t.output + (h.tokens?.output ?? 0) }), {
      input: 0,
      output: 0,
    });
    if (tokens.input + tokens.output > 0) result.tokens = tokens;
    result.regressions = report.heals.flatMap((h) => h.fix?.evidence.suite.newlyFailing ?? []);
    if (report.heals.length === 0) {
      result.error = `the tests did not fail (${report.baseline.passed} passed), so there was nothing to heal`;
      return result;
    }
    result.diagnosis = [...new Set(report.heals.map((h) => h.diagnosis.class))].join(', ');
    const healed = report.heals.find((h) => h.fix?.after[c.target] !== undefined) ?? report.heals.find((h) => h.fix);
    result.status = healed ? 'fixed' : 'not-fixed';
    if (!healed?.fix) {
      result.reason = report.heals
        .map((h) => h.reason)
        .filter(Boolean)
        .join(' / ');
      return result;
    }
    const fix = healed.fix;
    result.plausible = true;
    result.healMs = healed.ms;
    // The mutation guard runs after the fix is verified, to label it; it is reported on its own.
    result.guardMs = healed.ms - (healed.verifiedMs ?? healed.ms);
    result.fix = {
      engine: fix.candidate.engine,
      operator: fix.candidate.operator,
      summary: fix.candidate.summary,
      diff: fix.diff,
      confidence: fix.evidence.confidence?.level,
    };
    // Apply the verified text to the workspace (our own temp copy) and run its tests ourselves.
    for (const [file, text] of Object.entries(fix.after)) await fs.writeFile(path.join(workspace.dir, file), text);
    result.rechecked = await succeeds('npm', ['test', '--silent'], workspace.dir, 20_000);
    const graded = await grade(c, fix.after, workspace.dir);
    result.correct = graded.correct && result.rechecked;
    result.grade = graded.grade;
    result.overfit = result.plausible && !result.correct;
    return result;
  } finally {
    clearTimeout(timer);
    await workspace.dispose();
  }
}

const normalized = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Correct when the fix edits the right side (source or tests) and the source matches a reference in text or behaviour. */
async function grade(c: BenchCase, after: Record<string, string>, workspaceDir: string): Promise<{ correct: boolean; grade?: CaseResult['grade'] }> {
  const edited = Object.keys(after);
  if (c.fixIn === 'test') return { correct: edited.length > 0 && edited.every(isTestFile) };
  const patched = after[c.target] ?? c.files[c.target];
  if (c.references.some((r) => normalized(r) === normalized(patched)))
    return { correct: true, grade: { recorded: 0, compared: 0, skipped: 0, mismatches: 0, truncated: false, unknown: false } };
  let last: Grade | undefined;
  for (const reference of c.references) {
    last = await compareBehaviour({ reference, candidate: patched, entries: c.entries, driver: c.driver, requireFrom: workspaceDir });
    if (last.correct) break;
  }
  if (!last) return { correct: false };
  const { correct, ...details } = last;
  return { correct, grade: details };
}
