/**
 * The LLM engine (paper §5.1–5.3): ask an OpenAI-compatible model for a patch, hold the reply to
 * the AST constraint, and hand each valid candidate to the same sandbox verification as offline
 * ones. Up to `maxAttempts` attempts (Aider's reflection cap, STYLE §5); after a failed
 * verification the next prompt carries the rejected diff and the test output it produced, after
 * an invalid reply the reason it was refused. Everything sent is redacted first; files that are
 * ignored or excluded are never sent.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isTestProblem, SelfHealError, type Candidate, type Diagnosis, type Failure, type HealRecord } from '../../model';
import type { Verify } from '../../verify/search';
import { keepingFound, type Engine, type EngineContext, type EngineResult } from '../engine';
import type { Llm, Log } from '../../ports';
import { stripAnsi } from '../../signals/ansi';
import type { SourceFile } from '../mutation/engine';
import { constrain } from './constraint';
import { CHARS_PER_TOKEN, fitBudget, gatherContext, sections, type HealContext, type Piece } from './context';
import { loadPrompts, render, type Prompts } from './prompts';
import { Privacy } from './privacy';
import { envSecrets, Redactor } from './redact';
import { parseReply } from './reply';

export interface LlmEngineInput {
  failures: Failure[];
  diagnosis: Diagnosis;
  /** The suspicious source files (workspace-relative paths and their current text). */
  files: SourceFile[];
  /** Root of the sandbox, where test files and git history can be read. */
  root: string;
  llm: Llm;
  promptsDir?: string;
  maxAttempts: number;
  pastHeals: HealRecord[];
  signal?: AbortSignal;
  log: Log;
  /** Verifies a candidate in the sandbox exactly like offline ones (and rolls it back). */
  verify: Verify;
  /**
   * The user's workspace root. Its `.env` files hold values to redact; the sandbox does not copy
   * ignored files, so without this only `.env` files that are committed are seen.
   */
  workspaceRoot?: string;
  /** `selfHeal.llm.exclude`: gitignore-style globs of files never sent nor edited. */
  exclude?: string[];
  /** Upper bound for one request (system + user prompt), in estimated tokens; default 6000. */
  tokenBudget?: number;
  /** The AST constraint (default on). Off only to measure what it prevents; path rules stay on. */
  astConstraint?: boolean;
}

export interface LlmEngineResult {
  /** The verified candidate, if any attempt produced one. */
  candidate?: Candidate;
  attempts: number;
  invalid: number;
  tokens: { input: number; output: number };
  /** Why each invalid reply was refused, in attempt order. */
  rejections: Array<{ attempt: number; reason: string }>;
  /** Set when the engine stopped early: the endpoint failed (after its retries) or nothing could be sent. */
  error?: string;
}

export const DEFAULT_TOKEN_BUDGET = 6000;
const FEEDBACK_OUTPUT_CHARS = 4000;

let serial = 0;

function cancelled(): SelfHealError {
  return new SelfHealError('CANCELLED', 'Cancelled; nothing was changed.');
}

function summaryOf(explanation: string): string {
  const first = explanation
    .trim()
    .split(/(?<=[.!?])\s|\n/)[0]
    .replace(/[.\s]+$/, '');
  return first.length > 100 ? `${first.slice(0, 99)}…` : first;
}

function diffOf(before: Record<string, string>, after: Record<string, string>): string {
  return Object.keys(after)
    .map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, before[f], after[f], undefined, undefined, { context: 2 }).replace(/^=+\n/, ''))
    .join('');
}

/** Test output for the model: no colours, and when long, mostly the end, where runners print failures. */
function feedbackOutput(output: string): string {
  const clean = stripAnsi(output).trim();
  if (clean.length <= FEEDBACK_OUTPUT_CHARS) return clean || '(the test run printed nothing)';
  return `${clean.slice(0, 800)}\n… (${clean.length - FEEDBACK_OUTPUT_CHARS} characters trimmed) …\n${clean.slice(clean.length - (FEEDBACK_OUTPUT_CHARS - 800))}`;
}

export interface Prompt {
  system: string;
  user: string;
  dropped: string[];
}

/** The request as sent (before redaction); exported so the benchmark can check what the model would see without sending it. */
export function buildPrompt(prompts: Prompts, context: HealContext, feedback: Piece | undefined, budgetChars: number): Prompt {
  const pieces = feedback ? [...context.pieces, feedback] : context.pieces;
  const frame = prompts.system.length + render(prompts.repair, sections([]), 'repair').length;
  const fitted = fitBudget(pieces, frame, budgetChars);
  return { system: prompts.system, user: render(prompts.repair, sections(fitted.pieces), 'repair'), dropped: fitted.dropped };
}

export async function runLlmEngine(input: LlmEngineInput): Promise<LlmEngineResult> {
  const { log, signal } = input;
  const result: LlmEngineResult = { attempts: 0, invalid: 0, tokens: { input: 0, output: 0 }, rejections: [] };
  const prompts = await loadPrompts(input.promptsDir);
  const privacy = Privacy.create(input.root, input.exclude);
  const redactor = new Redactor(await envSecrets([input.root, ...(input.workspaceRoot ? [input.workspaceRoot] : [])]));
  const readText = async (rel: string): Promise<string | undefined> =>
    input.files.find((f) => f.file === rel)?.text ?? fs.readFile(path.join(input.root, rel), 'utf8').catch(() => undefined);
  const context = await gatherContext({
    failures: input.failures,
    diagnosis: input.diagnosis,
    files: input.files,
    root: input.root,
    pastHeals: input.pastHeals,
    privacy,
    readText,
    signal,
    log,
  });
  for (const why of context.withheld) log.info(`llm: not sent: ${why}`);
  if (context.units.length === 0) {
    result.error = context.withheld.length
      ? `Nothing could be sent to the LLM: ${context.withheld.join('; ')}.`
      : 'The LLM engine found no suspicious code to show the model.';
    log.warn(`llm: ${result.error}`);
    return result;
  }
  const budgetChars = (input.tokenBudget ?? DEFAULT_TOKEN_BUDGET) * CHARS_PER_TOKEN;
  const name = input.failures[0]?.name ?? 'failure';
  let feedback: Piece | undefined;
  for (let attempt = 1; attempt <= input.maxAttempts; attempt++) {
    if (signal?.aborted) throw cancelled();
    const operator = feedback ? 'repair+feedback' : 'repair';
    const prompt = buildPrompt(prompts, context, feedback, budgetChars);
    if (prompt.dropped.length) log.debug(`llm: over the ${input.tokenBudget ?? DEFAULT_TOKEN_BUDGET}-token budget; trimmed ${prompt.dropped.join(', ')}`);
    result.attempts = attempt;
    let text: string;
    try {
      const reply = await input.llm.complete({ system: redactor.redact(prompt.system), user: redactor.redact(prompt.user), signal });
      result.tokens.input += reply.usage.input;
      result.tokens.output += reply.usage.output;
      text = reply.text;
    } catch (error) {
      if (signal?.aborted || (error instanceof SelfHealError && error.code === 'CANCELLED')) throw cancelled();
      result.error = (error as Error).message;
      log.warn(`llm: attempt ${attempt}/${input.maxAttempts} for ${name}: ${result.error}`);
      return result;
    }
    if (redactor.count) log.debug(`llm: ${redactor.count} secret value(s) redacted from the prompt`);
    const parsed = parseReply(text);
    const constrained = parsed.ok
      ? await constrain({
          reply: parsed.reply,
          privacy,
          redactor,
          scope: context.units,
          readText,
          testProblem: isTestProblem(input.diagnosis.class),
          enforce: input.astConstraint !== false,
        })
      : parsed;
    if (!constrained.ok) {
      result.invalid++;
      result.rejections.push({ attempt, reason: constrained.reason });
      log.info(`llm: attempt ${attempt}/${input.maxAttempts} for ${name}: reply rejected: ${constrained.reason}`);
      feedback = {
        section: 'feedback',
        text: render(prompts.rejected, { attempt: String(attempt), reason: constrained.reason }, 'rejected'),
        priority: 95,
        keep: true,
        label: 'feedback',
      };
      continue;
    }
    const summary = summaryOf(parsed.ok ? parsed.reply.explanation : '');
    const candidate: Candidate = {
      id: `llm-${++serial}`,
      engine: 'llm',
      operator,
      summary,
      edits: constrained.edits,
      cost: attempt,
      editsTests: constrained.editsTests,
      tokens: { ...result.tokens },
    };
    const verdict = await input.verify(candidate);
    if (signal?.aborted) throw cancelled();
    log.info(
      `llm: attempt ${attempt}/${input.maxAttempts} for ${name}: "${summary}" ${verdict.found ? 'verified' : `rejected by the tests: ${verdict.reason}`} (${result.tokens.input} in / ${result.tokens.output} out tokens so far)`,
    );
    if (verdict.found) {
      result.candidate = candidate;
      return result;
    }
    feedback = {
      section: 'feedback',
      text: render(
        prompts.feedback,
        {
          attempt: String(attempt),
          previousDiff: diffOf(constrained.before, constrained.after).trim(),
          verdict: verdict.reason,
          testOutput: feedbackOutput(verdict.output),
        },
        'feedback',
      ),
      priority: 95,
      keep: true,
      label: 'feedback',
    };
  }
  return result;
}

/**
 * The LLM engine as the pipeline runs it: after the offline engine found nothing, when a model is
 * configured. Replies the constraint refused are recorded as invalid tries; a fix a person
 * discarded before is not offered again, whoever proposes it.
 */
export const llmEngine: Engine = {
  name: 'llm',
  changes: 'code',
  async heal(ctx: EngineContext): Promise<EngineResult> {
    const o = ctx.options;
    const { verify, found } = keepingFound(ctx.verify);
    const result = await runLlmEngine({
      failures: [...ctx.diagnosis.failures],
      diagnosis: ctx.diagnosis,
      files: ctx.sources,
      root: ctx.sandbox.cwd,
      workspaceRoot: o.files.root, // the sandbox has no gitignored .env, so redaction reads it here
      exclude: o.llmExclude,
      llm: o.llm!,
      promptsDir: o.promptsDir,
      maxAttempts: o.llmMaxAttempts ?? 3,
      pastHeals: o.pastHeals ?? [],
      signal: ctx.signal,
      log: ctx.log,
      verify,
    });
    for (const r of result.rejections)
      ctx.search.tally.tried.push({ candidateId: `llm-reply-${r.attempt}`, summary: `LLM reply ${r.attempt}`, status: 'invalid', reason: r.reason });
    let fix = found();
    if (fix && result.candidate) fix = { ...fix, candidate: { ...fix.candidate, tokens: result.tokens } };
    if (fix && ctx.alternatives.skip(fix.candidate)) fix = undefined;
    return { found: fix, files: ctx.sources, tokens: result.tokens, reason: fix ? undefined : result.error };
  },
};
