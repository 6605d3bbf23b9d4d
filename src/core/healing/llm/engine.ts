/**
 * The LLM engine (paper §5.1–5.3). Placeholder signature: the full engine is built in issue 6.
 */
import type { Candidate, Diagnosis, Failure, HealRecord } from '../../model';
import type { Llm, Log } from '../../ports';
import type { SourceFile } from '../mutation/engine';

export interface LlmAttemptResult {
  verified: boolean;
  /** Plain-words verdict, e.g. "1 of 2 targeted test(s) still fail". */
  reason: string;
  /** Test output of the run that judged the candidate, for the next prompt's feedback. */
  output: string;
}

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
  verify(candidate: Candidate): Promise<LlmAttemptResult>;
}

export interface LlmEngineResult {
  /** The verified candidate, if any attempt produced one. */
  candidate?: Candidate;
  attempts: number;
  invalid: number;
  tokens: { input: number; output: number };
}

export async function runLlmEngine(input: LlmEngineInput): Promise<LlmEngineResult> {
  input.log.info('The LLM engine is not available in this build.');
  return { attempts: 0, invalid: 0, tokens: { input: 0, output: 0 } };
}
