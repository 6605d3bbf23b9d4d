/**
 * What one `self-heal ci` run did, as the report writers (Markdown for a pull-request comment,
 * SARIF for code-scanning UIs) need it. Plain data: the writers are pure functions of it, which
 * is what lets their output be checked against fixture files.
 */
import type { HealOutcome, Decision } from '../../core/api';

export interface CiHeal {
  outcome: HealOutcome;
  decision: Decision;
  /** The new branch holding the fix, when one was made. */
  branch?: { name: string; commit: string; pushed: boolean };
  /** Why a verified fix got no branch (policy off, file changed since HEAD, push refused…). */
  skipped?: string;
}

export interface CiRun {
  /** The commit that was healed, and its branch unless HEAD was detached. */
  head: { commit: string; branch?: string };
  /** The workspace folder relative to the repository root ('' at the root); SARIF paths are repository-relative. */
  prefix: string;
  testCommand: string;
  baseline: { passed: number; failed: number };
  heals: CiHeal[];
  /** The engines, in words: "offline" or "offline, then gpt-4.1-mini at …". */
  engine: string;
  policy: { source: string; problems: string[] };
  /** Uncommitted changes in the working tree; they were not part of what was healed. */
  uncommitted: number;
  /** Remote the branches were pushed to, with --push. */
  remote?: string;
  /** e.g. https://github.com/owner/repo, for links to pushed branches. */
  repoUrl?: string;
  ms: number;
  version: string;
}

/** A heal counts as healed in CI when its fix is on a branch. */
export const isHealed = (h: CiHeal): boolean => h.branch !== undefined;

/** "range includes both ends", or "3 failing tests in test/range.test.js". */
export function healName(outcome: HealOutcome): string {
  const first = outcome.failures[0];
  return outcome.failures.length === 1 ? first.name : `${outcome.failures.length} failing tests in ${first.file ?? first.name}`;
}

/** The 1-based line of an edit's start in the text it was made on. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
