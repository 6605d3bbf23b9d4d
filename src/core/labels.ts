/**
 * Labels a fix can carry (Candidate.labels), shared by the core and the hosts. A module of its
 * own, without imports, so the extension can read them without loading the engines at activation.
 */

/** The test-weakening guard's verdict: never auto-applied, needs an explicit yes. */
export const WEAKENS = 'weakens tests';

/** The mutation guard's verdict: no mutant of the changed lines was caught by the tests. */
export const WEAKLY_TESTED = 'weakly tested';

/** A fix the tests cannot single out (Evidence.confidence): never auto-applied, under any policy. */
export const AMBIGUOUS = 'ambiguous';

/**
 * The confidence as every host words it: "verified" for a fix that stands out, else
 * "verified, ambiguous: 2 other verified fixes pass the tests too". Structural, to keep this file import-free.
 */
export function confidenceText(confidence: { level: string; reasons: string[] } | undefined): string {
  if (!confidence || confidence.level !== AMBIGUOUS) return 'verified';
  return `verified, ${AMBIGUOUS}${confidence.reasons.length ? `: ${confidence.reasons.join('; ')}` : ''}`;
}

/** Ends the summary of a revert record written because a heal's change was undone outside Self-Heal (record/apply.ts). */
export const UNDONE_OUTSIDE = ' (undone outside Self-Heal: its files hold the text from before it again)';
