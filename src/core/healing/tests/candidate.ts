/**
 * A candidate that edits a test file: what the test-problem healers (assertions, async tests, the
 * clock) propose. Labelled a test edit, so a reviewer knows the code under test is untouched.
 */
import type { Candidate, TextEdit } from '../../model';

let serial = 0;

export function testEditCandidate(file: string, operator: string, summary: string, cost: number, edits: Array<Omit<TextEdit, 'file'>>): Candidate {
  return {
    id: `t-${operator}-${++serial}`,
    engine: 'test',
    operator,
    summary,
    edits: edits.map((e) => ({ file, ...e })),
    cost,
    editsTests: true,
    labels: ['test edit'],
  };
}
