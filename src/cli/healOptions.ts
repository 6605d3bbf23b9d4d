/**
 * The heal options both `heal` and `ci` build from their flags, the workspace's settings
 * (`.vscode/settings.json`) and its ledger, so that the two commands heal alike.
 */
import type { HealOptions } from '../core/api';
import type { Log } from '../core/ports';
import { JsonlLedger, workspaceLedgerPath } from '../core/pipeline';
import { readWorkspaceSettings, type SettingsResult } from '../core/api';
import { LLM_CLI_OPTIONS, llmFromCli, type LlmCliValues } from './llmOptions';

/** A mistake in how the command was called: exit 2, with the usage. */
export class UsageError extends Error {}

export const HEAL_CLI_OPTIONS = {
  test: { type: 'string' },
  timeout: { type: 'string' },
  'max-candidates': { type: 'string' },
  verbose: { type: 'boolean', short: 'v', default: false },
  ...LLM_CLI_OPTIONS,
} as const;

export interface HealFlags extends LlmCliValues {
  test?: string;
  timeout?: string;
  'max-candidates'?: string;
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number, got "${value}".`);
  return n;
}

export interface FlagOptions {
  options: Omit<HealOptions, 'files' | 'signal' | 'progress' | 'log'>;
  /** Every setting, read once: the policy is among them. */
  settings: SettingsResult;
  /** "engine: offline" and the like, for the log and reports. */
  engine: string;
}

export async function healOptionsFromFlags(values: HealFlags, root: string, log: Log): Promise<FlagOptions> {
  // One reader for every setting (src/core/settings.ts); each problem is told once.
  const { settings, problems, policyNamesDefault, policySource } = await readWorkspaceSettings(root);
  for (const p of problems) log.warn(p);
  const engine = llmFromCli(values, process.env, settings.llm, log);
  if (typeof engine === 'string') throw new UsageError(engine);
  log.info(engine.describe);
  // Past heals: the LLM is shown similar ones, and decisions on them order the offline candidates.
  const past = await new JsonlLedger(workspaceLedgerPath(root), log).read();
  return {
    settings: { settings, problems, policyNamesDefault, policySource },
    engine: engine.describe,
    options: {
      testCommand: values.test ?? (settings.testCommand || undefined),
      testTimeoutMs: (positiveInt(values.timeout, '--timeout') ?? settings.testTimeoutSeconds) * 1000,
      maxCandidates: positiveInt(values['max-candidates'], '--max-candidates') ?? settings.maxCandidates,
      flakyReruns: settings.flakyReruns,
      engines: engine.engines,
      llm: engine.llm,
      llmMaxAttempts: engine.maxAttempts,
      llmExclude: engine.exclude,
      pastHeals: engine.llm ? past : [],
      decisions: past,
    },
  };
}
