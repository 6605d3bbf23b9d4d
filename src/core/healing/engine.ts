/**
 * The one shape of a healing engine (DESIGN "healing"): a diagnosis and the one verifier in,
 * verified fixes out. The orchestrator (heal.ts) picks the engines a diagnosis calls for, in
 * order, and stops at the first verified fix; an engine never verifies on its own, never writes
 * outside the sandbox, and never changes the diagnosis: when a fix shows the failure was of
 * another class (a time limit raised), it says so in `reclassified`.
 */
import type { HealOptions } from '../api';
import type { InfraProblem } from '../analysis/environment';
import type { Candidate, Diagnosis, TestRun } from '../model';
import type { Log, TestRunner } from '../ports';
import type { Sandbox } from '../verify/sandbox';
import type { Found, Search, Verify } from '../verify/search';
import type { Alternatives, Choice } from './ranking/alternatives';
import type { SourceFile } from './mutation/engine';

export type EngineName = Candidate['engine'];

export interface EngineContext {
  readonly diagnosis: Readonly<Diagnosis>;
  /** An environment problem the diagnosis found (healing/infra knows a fix or advice for it). */
  readonly environment?: InfraProblem;
  readonly options: HealOptions;
  readonly sandbox: Sandbox;
  readonly runner: TestRunner;
  readonly command: string;
  readonly baseline: TestRun;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly log: Log;
  /** The one verifier; every call counts as a candidate tried. */
  readonly verify: Verify;
  /** The same verifier's search loop, for an engine that screens many candidates cheaply. */
  readonly search: Search;
  /** Count a candidate verified through `search` directly. */
  counted(): void;
  /** The suspicious source files (code engines only; empty for the others). */
  readonly sources: SourceFile[];
  /** Verified code fixes seen so far, ranked, and the fixes a person discarded (code engines). */
  readonly alternatives: Alternatives;
  /** Candidates reordered by what people kept and threw away before (the ledger's decisions). */
  readonly byPastDecisions: (candidates: Candidate[]) => Candidate[];
}

export interface EngineResult {
  found?: Found;
  /** The text before the edit of every file the found candidate edits. */
  files: SourceFile[];
  /** Plain words: why nothing was verified. */
  reason?: string;
  /** No later engine should try: this one had the last word (advice, or a test problem's answer). */
  final?: boolean;
  /** The fix shows the failure was of another class than diagnosed. */
  reclassified?: Pick<Diagnosis, 'class' | 'evidence'>;
  /** How the verified code fixes ranked (the mutation engine's alternatives). */
  choice?: Choice;
  /** Other edits of exactly the code the fix changes that pass the tests too: the tests do not pin it down. */
  samePlace?: number;
  tokens?: { input: number; output: number };
  /** Test runs made outside the verifier (installs, snapshot updates). */
  testRuns?: number;
  /** Candidates tried outside the verifier (a test engine's own runs). */
  candidatesTried?: number;
}

export interface Engine {
  readonly name: EngineName;
  /** What its fixes change: a fix that changes code gets the mutation guard. */
  readonly changes: 'code' | 'tests' | 'environment';
  heal(ctx: EngineContext): Promise<EngineResult>;
}

/** `verify`, remembering the last verified fix it saw: for engines that report only their candidate. */
export function keepingFound(verify: Verify): { verify: Verify; found: () => Found | undefined } {
  let kept: Found | undefined;
  return {
    verify: async (candidate) => {
      const attempt = await verify(candidate);
      if (attempt.found) kept = attempt.found;
      return attempt;
    },
    found: () => kept,
  };
}
