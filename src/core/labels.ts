/**
 * Labels a fix can carry (Candidate.labels), shared by the core and the hosts. A module of its
 * own, without imports, so the extension can read them without loading the engines at activation.
 */

/** The test-weakening guard's verdict: never auto-applied, needs an explicit yes. */
export const WEAKENS = 'weakens tests';

/** The mutation guard's verdict: no mutant of the changed lines was caught by the tests. */
export const WEAKLY_TESTED = 'weakly tested';
