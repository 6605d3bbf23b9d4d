/**
 * The test-healing engine (paper §5.4): for failures classified as test problems, candidates that
 * edit the tests — never the code — verified like any fix, then checked by the test-weakening
 * guard and labelled as test edits. Snapshots are accepted one test at a time; a brittle assertion
 * gets its robust form; an async test is made to wait; a flaky test is offered a quarantine.
 */
import { classificationSources } from '../../analysis/classify';
import { testFilesOf } from '../../analysis/localize';
import { isTestProblem, type Candidate, type Diagnosis, type Failure } from '../../model';
import type { Log } from '../../ports';
import { parseTestOutput } from '../../signals';
import type { SourceFile } from '../mutation/engine';
import type { Found, Verify } from '../../verify/search';
import { attachGuard } from '../../guards';
import { weakeningGuard } from '../../guards/weakening';
import type { Engine, EngineContext, EngineResult } from '../engine';
import { brittleCandidates } from './assertions';
import { asyncCandidates } from './asyncTests';
import { quarantineCandidate } from './flaky';
import { snapshotCandidates } from './snapshots';
import { isFileLevel, verifyTestEdit, type OwnVerifyContext } from './verify';

export interface TestHealContext extends OwnVerifyContext {
  diagnosis: Diagnosis;
  log: Log;
  /** Verify one candidate with real runs (Search.verifyWithOutput): write, run, compare, roll back. */
  verify: Verify;
}

export interface TestHealResult {
  /** The verified test edit, labelled, with the test-weakening guard's report in its evidence. */
  found?: Found;
  /** The original text of every file the found candidate edits (for the fix's before/after). */
  files: SourceFile[];
  /** Plain words: why nothing was verified, or what the test was hiding. */
  reason?: string;
  candidatesTried: number;
  /** Test runs made here besides `verify`'s (snapshot updates, the quarantine check). */
  testRuns: number;
}

const SNAPSHOT_FAILURE = /toMatchSnapshot|toMatchInlineSnapshot|toMatchFileSnapshot|Snapshot name: |snapshot/i;

/** Snapshot failures are accepted one test at a time, so each is its own group; other groups stay whole. */
export function oneAtATime(group: Failure[]): Failure[][] {
  return group.length > 1 && group.every((f) => SNAPSHOT_FAILURE.test(f.message)) ? group.map((f) => [f]) : [group];
}

export async function healTestProblem(ctx: TestHealContext): Promise<TestHealResult> {
  const { failures } = ctx.diagnosis;
  const result: TestHealResult = { files: [], candidatesTried: 0, testRuns: 0 };
  const readText = (rel: string): Promise<string | undefined> => ctx.sandbox.read(rel);
  const kind = ctx.diagnosis.class;
  const lead = `This is a test problem (${kind}: ${ctx.diagnosis.evidence[0] ?? 'see the diagnosis'}), not a code bug, so the code is left alone`;
  if (!isTestProblem(kind)) return { ...result, reason: `${lead}. No test edit is known for it.` };
  let candidates: Candidate[] = [];
  let notes: string[] = [];
  // Exhaustive: a new test-problem class does not compile until it has its candidates here.
  switch (kind) {
    case 'outdated-snapshot': {
      const made = await snapshotCandidates(failures, {
        cwd: ctx.sandbox.cwd,
        command: ctx.command,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        log: ctx.log,
      });
      result.testRuns += made.runs;
      [candidates, notes] = [made.candidates, made.notes];
      break;
    }
    case 'brittle-assertion': {
      const made = await brittleCandidates(failures, readText);
      [candidates, notes] = [made.candidates, made.notes];
      break;
    }
    case 'async-test': {
      const sources = Object.values(await classificationSources(ctx.sandbox.cwd, failures, readText));
      candidates = await asyncCandidates(ctx.sandbox.cwd, failures, ctx.baseline.output, readText, sources);
      break;
    }
    case 'flaky':
      return quarantine(ctx, result, lead);
    default: {
      const unhandled: never = kind;
      throw new Error(`no test edits for ${String(unhandled)}`);
    }
  }
  const rejections: string[] = [];
  let revealed: string | undefined;
  // A failure pinned on a whole file vanishes when healed; the shared search cannot see that pass.
  const fileLevel = failures.filter(isFileLevel);
  const verify: Verify =
    fileLevel.length === 0
      ? ctx.verify
      : async (candidate) => {
          const verdict = await verifyTestEdit(candidate, ctx, {
            pass: failures.filter((f) => !isFileLevel(f)).map((f) => f.id),
            vanish: fileLevel.map((f) => f.id),
            testFiles: testFilesOf(failures),
          });
          result.testRuns += verdict.runs;
          return verdict;
        };
  for (const candidate of candidates) {
    if (ctx.signal?.aborted) break;
    result.candidatesTried++;
    const verdict = await verify(candidate);
    if (verdict.found) return finish(ctx, result, verdict.found);
    rejections.push(`${candidate.summary}: ${verdict.reason}`);
    revealed ??= kind === 'async-test' ? hiddenFailure(candidate, verdict.output, ctx.sandbox.cwd) : undefined;
  }
  if (revealed) {
    // Not "a test problem, the code is left alone": the check that never ran now runs and fails.
    const seen = (ctx.diagnosis.evidence[0] ?? '').replace(/^the test does not wait for its asynchronous work: /, '');
    result.reason = `The test ended before its assertion ran, so it never really checked anything${seen ? ` (${seen.replace(/\.$/, '')})` : ''}. ${revealed} The test was hiding a failure, so this may be a real bug in the code: now that the test really checks, the code does not do what it expects. Make the test wait as above, then fix the code (or the expectation, if the test is what is wrong); Self-Heal does not change an assertion to make it pass.`;
  } else if (candidates.length === 0) {
    result.reason = `${lead}. No test edit is known for it${notes.length ? `: ${notes.join(' ')}` : '.'}`;
  } else {
    result.reason = `${lead}. No test edit was verified among ${candidates.length}: ${rejections.slice(0, 3).join('; ')}.${notes.length ? ` ${notes.join(' ')}` : ''}`;
  }
  return result;
}

/** After an async test is made to wait, the failure it was hiding shows: name it. */
function hiddenFailure(candidate: Candidate, output: string, root: string): string | undefined {
  const first = parseTestOutput(output, { root }).failures.find((f) => !f.id.startsWith('command: ') && f.id !== f.file);
  if (!first) return undefined;
  const what =
    first.expected !== undefined && first.actual !== undefined
      ? `expected ${first.expected}, got ${first.actual}`
      : first.message
          .split('\n')[0]
          .replace(/^\w*Error: /, '')
          .replace(/\.$/, '')
          .slice(0, 160);
  return `Once the test waits (${candidate.summary.charAt(0).toLowerCase()}${candidate.summary.slice(1)}), its assertion runs and fails: "${first.name}" — ${what}.`;
}

async function finish(ctx: TestHealContext, result: TestHealResult, found: Found): Promise<TestHealResult> {
  for (const file of new Set(found.candidate.edits.map((e) => e.file))) result.files.push({ file, text: (await ctx.sandbox.read(file)) ?? '' });
  const before = Object.fromEntries(result.files.map((f) => [f.file, f.text]));
  const guard = await weakeningGuard(found.candidate, before, ctx.diagnosis.failures);
  result.found = guard ? attachGuard(found, guard) : found;
  return result;
}

async function quarantine(ctx: TestHealContext, result: TestHealResult, lead: string): Promise<TestHealResult> {
  const why = ctx.diagnosis.evidence[0] ?? 'passes on some runs of the unchanged code';
  const reasons: string[] = [];
  for (const failure of ctx.diagnosis.failures) {
    const text = failure.file && (await ctx.sandbox.read(failure.file));
    const candidate = text ? await quarantineCandidate(failure, text, why) : undefined;
    if (!candidate) {
      reasons.push(`"${failure.name}" could not be found in ${failure.file ?? 'its file'} to quarantine`);
      continue;
    }
    result.candidatesTried++;
    const verdict = await verifyTestEdit(candidate, ctx, { pass: [], vanish: [failure.id], testFiles: testFilesOf([failure]) });
    result.testRuns += verdict.runs;
    if (verdict.found) {
      // Skipped, not passing: the evidence says so.
      verdict.found.comparison.evidence.targeted.passed = 0;
      return finish(ctx, result, verdict.found);
    }
    reasons.push(verdict.reason);
  }
  result.reason = `${lead}: it is flaky. Quarantine was not possible (${reasons.join('; ')}); rerun it, or find what makes it depend on timing or order.`;
  return result;
}

/**
 * Test edits as the pipeline runs them, for the test-problem classes: the last word either way,
 * because changing the code until a wrong test passes would make the fix worse than the bug. It
 * counts its own tries (some are judged by runs of its own, verifyTestEdit), so it verifies
 * through the search without the pipeline's count.
 */
export const testEditEngine: Engine = {
  name: 'test',
  changes: 'tests',
  async heal(ctx: EngineContext): Promise<EngineResult> {
    const healed = await healTestProblem({ ...ctx, verify: (c) => ctx.search.verifyWithOutput(c) });
    return { found: healed.found, files: healed.files, reason: healed.reason, final: true, testRuns: healed.testRuns, candidatesTried: healed.candidatesTried };
  },
};
