/**
 * The paper's vocabulary as data: Signal → Failure → Diagnosis → Candidate → Verdict → HealRecord.
 * Schemas are zod so that anything crossing a boundary (ledger lines, JSON output, LLM replies)
 * is validated with the same definitions the code is typed with.
 */
import { z } from 'zod';

export const StackFrame = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int().optional(),
  fn: z.string().optional(),
});
export type StackFrame = z.infer<typeof StackFrame>;

export const SignalSource = z.enum(['cli', 'terminal', 'task', 'diagnostic', 'test-run']);
export type SignalSource = z.infer<typeof SignalSource>;

export const Failure = z.object({
  /** Stable id of the failing test: `relative/file.test.js > suite > name`; for diagnostics, `file:line:code`. */
  id: z.string(),
  /** Human name of the test, or the diagnostic code. */
  name: z.string(),
  /** Workspace-relative file of the test (or the diagnostic's file) when known. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  stack: z.array(StackFrame).default([]),
  source: SignalSource.default('test-run'),
  runner: z.enum(['node', 'mocha', 'jest', 'vitest', 'tsc', 'eslint', 'unknown']).default('unknown'),
});
export type Failure = z.infer<typeof Failure>;

/** Per-test outcome of one run: the unit that verification compares against the baseline. */
export const TestOutcome = z.object({
  id: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  /**
   * The test file (workspace-relative), where the runner's report names it and the id does not
   * (mocha: the file given to it, so an entry file that requires the specs names itself).
   */
  file: z.string().optional(),
  /** How long the test took, where the runner's report says (mocha's JSON). */
  ms: z.number().nonnegative().optional(),
});
export type TestOutcome = z.infer<typeof TestOutcome>;

export const TestRun = z.object({
  outcomes: z.array(TestOutcome),
  failures: z.array(Failure),
  exitCode: z.number().nullable(),
  /** The signal that ended the command, when one did (and not Self-Heal's timeout). */
  signal: z.string().optional(),
  timedOut: z.boolean(),
  ms: z.number(),
  /** Trimmed combined output, kept for explanations and LLM feedback. */
  output: z.string(),
});
export type TestRun = z.infer<typeof TestRun>;

export const FailureClass = z.enum(['code-bug', 'syntax-error', 'outdated-snapshot', 'brittle-assertion', 'async-test', 'flaky', 'infrastructure']);
export type FailureClass = z.infer<typeof FailureClass>;

/** Classes where the test, not the code, is wrong: only test edits may heal them. */
export const TEST_PROBLEM_CLASSES = ['outdated-snapshot', 'brittle-assertion', 'async-test', 'flaky'] as const satisfies readonly FailureClass[];
export type TestProblemClass = (typeof TEST_PROBLEM_CLASSES)[number];

export function isTestProblem(cls: FailureClass): cls is TestProblemClass {
  return (TEST_PROBLEM_CLASSES as readonly FailureClass[]).includes(cls);
}

/**
 * What a heal may change for a class: the code, the tests, or nothing (the environment is a
 * person's to fix; only its known templates, healing/infra, are tried). The switch is exhaustive,
 * so a new class does not compile until it says which.
 */
export function healingRoute(cls: FailureClass): 'code' | 'tests' | 'environment' {
  switch (cls) {
    case 'code-bug':
    case 'syntax-error':
      return 'code';
    case 'outdated-snapshot':
    case 'brittle-assertion':
    case 'async-test':
    case 'flaky':
      return 'tests';
    case 'infrastructure':
      return 'environment';
    default: {
      const unhandled: never = cls;
      throw new Error(`no healing route for failure class ${String(unhandled)}`);
    }
  }
}

export const Location = z.object({
  file: z.string(),
  /** 0-based byte-free character offsets into the file text. */
  start: z.number().int(),
  end: z.number().int(),
  line: z.number().int(),
  score: z.number(),
  why: z.string(),
  /** The enclosing function's name, when it has one (shown to users as the suspect). */
  function: z.string().optional(),
});
export type Location = z.infer<typeof Location>;

export const Diagnosis = z.object({
  failures: z.array(Failure),
  class: FailureClass,
  evidence: z.array(z.string()),
  locations: z.array(Location),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

export const TextEdit = z.object({
  file: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  newText: z.string(),
});
export type TextEdit = z.infer<typeof TextEdit>;

export const Engine = z.enum(['mutation', 'llm', 'test', 'infra']);
export type Engine = z.infer<typeof Engine>;

export const Candidate = z.object({
  id: z.string(),
  engine: Engine,
  /** Operator name (mutation) or prompt name (llm). */
  operator: z.string(),
  summary: z.string(),
  edits: z.array(TextEdit),
  /** Lower is tried first. */
  cost: z.number(),
  editsTests: z.boolean().default(false),
  tokens: z.object({ input: z.number(), output: z.number() }).optional(),
  /**
   * What a reviewer must know before applying: 'test edit', 'snapshot update', 'weakens tests',
   * 'quarantine', 'weakly tested'. A candidate labelled 'weakens tests' is never auto-applied.
   */
  labels: z.array(z.string()).optional(),
});
export type Candidate = z.infer<typeof Candidate>;

/** One guard's finding on a verified candidate (test-weakening guard, mutation guard). */
export const GuardReport = z.object({
  guard: z.enum(['test-weakening', 'mutation']),
  /** The label the guard attaches, when it attaches one ('weakens tests', 'weakly tested'). */
  label: z.string().optional(),
  findings: z.array(z.string()),
  ms: z.number().optional(),
  /** Mutation guard: mutants on the changed lines, how many ran, how many the tests killed. */
  mutants: z.object({ total: z.number(), ran: z.number(), killed: z.number() }).optional(),
});
export type GuardReport = z.infer<typeof GuardReport>;

/**
 * How far the tests single a fix out (issue 14): `ambiguous` when other verified candidates that
 * behave differently pass them just as well, or when the mutation guard finds its lines weakly
 * tested. Optional, so ledger lines written before it existed still parse.
 */
export const Confidence = z.object({
  level: z.enum(['verified', 'ambiguous']),
  /** Other verified candidates the tests cannot tell apart from this one. */
  alternatives: z.number().int().min(0),
  /** Why, in plain words; empty for a fix that stands out. */
  reasons: z.array(z.string()),
});
export type Confidence = z.infer<typeof Confidence>;

export const Evidence = z.object({
  targeted: z.object({ passed: z.number(), total: z.number() }),
  suite: z.object({ passed: z.number(), total: z.number(), newlyFailing: z.array(z.string()) }),
  guards: z.array(GuardReport).optional(),
  confidence: Confidence.optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const VerdictStatus = z.enum(['verified', 'rejected', 'invalid', 'timeout']);
export const Verdict = z.object({
  candidateId: z.string(),
  summary: z.string().optional(),
  status: VerdictStatus,
  reason: z.string(),
  evidence: Evidence.optional(),
});
export type Verdict = z.infer<typeof Verdict>;

export const HealRecord = z.object({
  id: z.string(),
  /** `decision`: what a person (or CI) did with a proposed heal; see `decision` below. */
  kind: z.enum(['apply', 'revert', 'decision']),
  at: z.string(),
  workspace: z.string(),
  file: z.string(),
  summary: z.string(),
  engine: Engine,
  operator: z.string(),
  diff: z.string(),
  edits: z.array(TextEdit),
  /** Full text of each edited file before and after, so revert can check staleness exactly. */
  before: z.record(z.string(), z.string()),
  after: z.record(z.string(), z.string()),
  failures: z.array(z.object({ id: z.string(), message: z.string() })),
  diagnosis: z.object({ class: FailureClass, evidence: z.array(z.string()), locations: z.array(z.string()) }),
  tried: z.array(z.object({ summary: z.string(), status: VerdictStatus, reason: z.string() })),
  evidence: Evidence,
  tokens: z.object({ input: z.number(), output: z.number() }).optional(),
  ms: z.number(),
  /** For a revert record: the id of the heal it undid. */
  reverts: z.string().optional(),
  /**
   * For a decision record: the verdict on heal `of` (paper §5.2's feedback loop). An apply record
   * already means "accepted" and a revert record "reverted"; decisions add what they cannot say,
   * above all "rejected" (a suggestion dismissed, a CI branch closed unmerged).
   */
  decision: z.object({ verdict: z.enum(['accepted', 'rejected', 'reverted']), of: z.string(), note: z.string().optional() }).optional(),
});
export type HealRecord = z.infer<typeof HealRecord>;

/** Typed errors whose message tells the user what to do. */
export type ErrorCode =
  | 'NO_PROJECT'
  | 'NO_TEST_COMMAND'
  | 'STALE'
  | 'NOT_FOUND'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'SANDBOX'
  /** Another Self-Heal run holds the workspace. */
  | 'BUSY'
  | 'BAD_INPUT'
  | 'LLM';

export class SelfHealError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SelfHealError';
  }
}
