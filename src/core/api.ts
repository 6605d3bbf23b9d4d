/**
 * The one surface the hosts (CLI, extension, benchmark) call. Everything behind it is the same
 * pipeline: signals → diagnosis → candidates → sandbox verification → (apply) → ledger.
 */
import type { Candidate, Diagnosis, Evidence, Failure, HealRecord, TestRun, Verdict } from './model';
import type { Llm, Log, Progress, TestRunner, WorkspaceFiles } from './ports';
import type { MutationPriors } from './healing/mutation/priors';

export interface HealOptions {
  files: WorkspaceFiles;
  /** Test command run in the sandbox; default: the package.json test script (`npm test`). */
  testCommand?: string;
  /** Per test run; a run that exceeds it is killed with its whole process group. */
  testTimeoutMs?: number;
  /** Reruns of each failing test on the unchanged code before healing; a test that passes once is flaky (default 3, 0 = off). */
  flakyReruns?: number;
  /** Candidates verified per failure group before giving up. */
  maxCandidates?: number;
  /** Heal only these failures (e.g. from a diagnostic or terminal output); default: all failures of the baseline run. */
  failures?: Failure[];
  engines?: Array<'mutation' | 'llm'>;
  llm?: Llm;
  /** Attempts the LLM gets per failure group, each with the previous attempt's test output (default 3). */
  llmMaxAttempts?: number;
  /** selfHeal.llm.exclude: gitignore-style globs never sent to the model nor edited by it. */
  llmExclude?: string[];
  /** Applied heals from the ledger: the LLM engine shows the most similar ones to the model. */
  pastHeals?: HealRecord[];
  /** Ledger records with people's decisions: mutation operators whose fixes were kept are tried earlier (record/decisions). */
  decisions?: HealRecord[];
  /** The mutation engine's cost per kind of edit (healing/mutation/priors.ts); default: DEFAULT_PRIORS. The benchmark's cross-validation sets it per fold. */
  mutationPriors?: MutationPriors;
  /** Directory holding prompts/*.md (the LLM engine's templates). */
  promptsDir?: string;
  runner?: TestRunner;
  /** Who holds the workspace lock, for the message another run shows: 'the self-heal CLI', 'the VS Code extension'. */
  lockOwner?: string;
  signal?: AbortSignal;
  log?: Log;
  progress?: Progress;
}

export interface VerifiedFix {
  candidate: Candidate;
  evidence: Evidence;
  /** Unified diff of the fix against the text it was verified on. */
  diff: string;
  /** Text of each edited file (workspace-relative) before and after, as verified. */
  before: Record<string, string>;
  after: Record<string, string>;
  /** What the tests saw when the fix was verified (workspaceState); apply refuses when it changed. */
  state?: { id: string; at: string };
  /** Other verified fixes the search found, ranked below this one (healing/ranking), for the preview. */
  alternatives?: Array<{ summary: string; diff: string }>;
}

export interface HealOutcome {
  /** Stable id for this heal (also the ledger id once applied). */
  id: string;
  failures: Failure[];
  diagnosis: Diagnosis;
  fix?: VerifiedFix;
  /** Plain-words reason when no fix was verified. */
  reason?: string;
  tried: Verdict[];
  candidatesTried: number;
  testRuns: number;
  /** Time until the fix was verified; `ms` adds the mutation guard that labels it afterwards. */
  verifiedMs?: number;
  /** LLM tokens spent on this heal, from the API's usage field. */
  tokens?: { input: number; output: number };
  ms: number;
}

export interface HealReport {
  baseline: { passed: number; failed: number; run: TestRun };
  heals: HealOutcome[];
  sandboxMs: number;
  ms: number;
}

// The light half of the public surface: safe to load while the editor activates. The heal
// itself is in pipeline.ts, loaded on first use.
export * from './labels';
export {
  decide,
  fixLabels,
  NEEDS_REVIEW,
  offeredUnderPolicy,
  TEST_EDIT,
  triage,
  validatePolicy,
  type Decision,
  type FixTriage,
  type Policy,
  type PolicyMode,
  type PolicySetting,
} from './policy';
export { LlmSettings, PLAIN_SETTING_KEYS, readWorkspaceSettings, Settings, validateLlmSettings, validateSettings, type SettingsResult } from './settings';
export { suspectsOf, suspectText, type Suspect } from './analysis/suspects';
export type { DecisionStats, Tally } from './record/decisions';
