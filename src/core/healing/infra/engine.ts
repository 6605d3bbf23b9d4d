/**
 * The infrastructure engine (DESIGN "healing": `infra`, templates). It knows three environment
 * problems and, for each, either a fix that the workspace's own tests verify in the sandbox or
 * advice a person can act on:
 *   missing dependency  → the package.json entry, verified by installing in the sandbox only;
 *   test timeout too low → a higher limit where the runner reads it, verified by the tests;
 *   missing env variable → where it is read and documented; never a made-up value.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTestFile } from '../../analysis/localize';
import type { Candidate, Failure } from '../../model';
import { SelfHealError } from '../../model';
import type { Attempt, Verify } from '../../verify/search';
import { keepingFound, type Engine, type EngineContext, type EngineResult } from '../engine';
import type { Log } from '../../ports';
import type { SourceFile } from '../mutation/engine';
import { dependencyCandidate, npmInstaller, overlayNodeModules, planDependency, type Installer } from './dependency';
import { detectInfraProblem, type InfraProblem } from '../../analysis/environment';
import { envAdvice, findEnvReads } from './envVar';
import { timeoutCandidates } from './timeout';

export interface InfraEngineInput {
  failures: Failure[];
  /** The baseline run's output: some runners print the cause beside the failure. */
  output: string;
  /** Where the tests run; dependencies are installed for this folder only. */
  sandbox: { cwd: string; read(rel: string): Promise<string | undefined> };
  /** The user's workspace root; the engine refuses to change anything under it. */
  workspaceRoot: string;
  /** Verifies a candidate in the sandbox like every other engine's (and rolls it back). */
  verify: Verify;
  installer?: Installer;
  signal?: AbortSignal;
  log: Log;
}

export interface InfraEngineResult {
  problem?: InfraProblem;
  /** What a person should do, when no fix was verified. */
  advice?: string;
  candidate?: Candidate;
  /** Text before the edit of every file the candidates touch (for the fix's diff). */
  files: SourceFile[];
  tried: number;
}

export async function runInfraEngine(input: InfraEngineInput): Promise<InfraEngineResult> {
  const problem = detectInfraProblem(input.failures, input.output, input.sandbox.cwd);
  if (!problem) return { files: [], tried: 0 };
  input.log.info(`infra: ${problem.evidence}`);
  if (problem.kind === 'missing-env')
    return { problem, advice: envAdvice(problem.name, await findEnvReads(input.sandbox.cwd, problem.name)), files: [], tried: 0 };
  if (problem.kind === 'test-timeout') return healTimeout(problem, input);
  return healDependency(problem, input);
}

async function healTimeout(problem: Extract<InfraProblem, { kind: 'test-timeout' }>, input: InfraEngineInput): Promise<InfraEngineResult> {
  const testFiles = [...new Set(input.failures.flatMap((f) => (f.file && isTestFile(f.file) ? [f.file] : [])))];
  const { candidates, files, reason } = await timeoutCandidates(problem.runner, problem.ms, testFiles, input.sandbox.read.bind(input.sandbox));
  if (candidates.length === 0) return { problem, advice: reason, files, tried: 0 };
  let last = '';
  for (const [i, candidate] of candidates.entries()) {
    const verdict = await input.verify(candidate);
    if (verdict.found) return { problem, candidate, files, tried: i + 1 };
    last = verdict.reason;
  }
  const highest = /to (\d+) ms/.exec(candidates[candidates.length - 1].summary)?.[1];
  return {
    problem,
    advice: `With the ${problem.runner} time limit raised up to ${highest} ms the test still fails (${last}), so it is not just slow: it probably never finishes.`,
    files,
    tried: candidates.length,
  };
}

async function healDependency(problem: Extract<InfraProblem, { kind: 'missing-dependency' }>, input: InfraEngineInput): Promise<InfraEngineResult> {
  const read = input.sandbox.read.bind(input.sandbox);
  const plan = await planDependency(problem.pkg, problem.importer, read);
  if (typeof plan === 'string') return { problem, advice: plan, files: [], tried: 0 };
  if (plan.kind === 'listed') return { problem, advice: plan.advice, files: [], tried: 0 };
  const [cwd, root] = await Promise.all([fs.realpath(input.sandbox.cwd), fs.realpath(input.workspaceRoot)]);
  if (cwd === root || cwd.startsWith(root + path.sep))
    throw new SelfHealError('SANDBOX', 'Refusing to install a package into the workspace itself: dependencies are installed in the sandbox only.');
  const prefix = await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-deps-'));
  try {
    let version: string;
    try {
      version = await (input.installer ?? npmInstaller).install(plan.pkg, prefix, input.signal);
    } catch (error) {
      return {
        problem,
        advice: `${plan.pkg} is not in package.json. Add it with \`${plan.command}\`. (Self-Heal could not install it to check: ${(error as Error).message})`,
        files: [],
        tried: 0,
      };
    }
    const { candidate, files } = await dependencyCandidate(plan, version, read, input.installer ?? npmInstaller, input.signal);
    const undo = await overlayNodeModules(input.sandbox.cwd, path.join(prefix, 'node_modules'));
    let verdict: Attempt;
    try {
      verdict = await input.verify(candidate);
    } finally {
      await undo();
    }
    if (verdict.found) return { problem, candidate, files, tried: 1 };
    return {
      problem,
      advice: `${plan.pkg} is not in package.json, but installing ${plan.pkg} ${version} in a sandbox did not make the tests pass (${verdict.reason}). Add it with \`${plan.command}\` and look at the failure again.`,
      files,
      tried: 1,
    };
  } finally {
    await fs.rm(prefix, { recursive: true, force: true });
  }
}

/**
 * The infra engine as the pipeline runs it: first, when the diagnosis found an environment
 * problem. A problem it cannot fix is the last word (advice, never a code change), except a time
 * limit: a test that still fails with more time may be a code bug, so the other engines go on.
 */
export const infraEngine: Engine = {
  name: 'infra',
  changes: 'environment',
  async heal(ctx: EngineContext): Promise<EngineResult> {
    const { verify, found } = keepingFound(ctx.verify);
    const result = await runInfraEngine({
      failures: [...ctx.diagnosis.failures],
      output: ctx.baseline.output,
      sandbox: ctx.sandbox,
      workspaceRoot: ctx.options.files.root,
      signal: ctx.signal,
      log: ctx.log,
      verify,
    });
    const problem = result.problem;
    if (!problem) return { files: [] };
    const fix = found();
    // A raised time limit that verifies shows the failure was the environment's after all.
    const reclassified =
      ctx.diagnosis.class === 'infrastructure' ? undefined : { class: 'infrastructure' as const, evidence: [problem.evidence, ...ctx.diagnosis.evidence] };
    if (fix) return { found: fix, files: result.files, reclassified };
    return { files: [], reason: result.advice, final: problem.kind !== 'test-timeout' };
  },
};
