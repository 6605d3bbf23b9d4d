/**
 * Flaky tests (paper §5.4). Before any failure is healed, its test is rerun on the unchanged code:
 * one that passes on some reruns is flaky, and changing the code until it passes would be
 * "healing" noise. For a flaky test without a known cause the offer is a quarantine — `.skip`
 * with a dated note — labelled as weakening the tests, never applied on its own; a known cause (a
 * clock read twice, an unordered result) is a brittle assertion instead.
 */
import { withTree } from '../../analysis/treeSitter';
import type { Candidate, Failure } from '../../model';
import { findTestCall } from '../../analysis/testAst';

/** `test(...)` → `test.skip(...)`, with a dated note above it saying why and what to do. */
export async function quarantineCandidate(failure: Failure, text: string, why: string, today = new Date()): Promise<Candidate | undefined> {
  const file = failure.file;
  if (!file) return undefined;
  const edits = await withTree(file, text, (tree) => {
    const call = findTestCall(tree.rootNode, failure.id);
    const callee = call?.childForFieldName('function');
    if (!call || !callee) return undefined;
    const statement = call.parent?.type === 'expression_statement' ? call.parent : call;
    const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const note = `${indent}// Quarantined by Self-Heal on ${today.toISOString().slice(0, 10)}: flaky (${why}). Find the cause, then remove .skip.\n`;
    const base = callee.type === 'member_expression' ? callee.childForFieldName('object')! : callee;
    return [
      { file, start: lineStart, end: lineStart, newText: note },
      { file, start: base.endIndex, end: callee.endIndex, newText: '.skip' },
    ];
  });
  if (!edits) return undefined;
  return {
    id: `t-quarantine-${failure.id}`,
    engine: 'test',
    operator: 'quarantine',
    summary: `Quarantine the flaky test "${failure.name}" (skip it, with a note)`,
    edits,
    cost: 1,
    editsTests: true,
    labels: ['test edit', 'quarantine'],
  };
}
