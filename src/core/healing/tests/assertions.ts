/**
 * Brittle assertions → their robust form, never a weaker check than the test needs (paper §5.4):
 * - an exact comparison of floating-point results → a comparison within 1e-9 (relative), the
 *   tightest tolerance that survives rounding, not `toBeCloseTo`'s default of two digits;
 * - an array whose order comes from an unordered source → both sides sorted (same elements, same
 *   counts, order no longer compared);
 * - a test that reads the clock twice → the clock frozen for that test, and a test whose expected
 *   value pins a date the code takes from the clock → the clock set to that date (fakeTime.ts),
 *   so no assertion changes at all.
 * Random and locale-dependent results are explained, not rewritten: the right fix (a seed, an
 * explicit locale) is a decision about the code.
 */
import { clockSkew, floatNoise, isPermutation, pinnedClock } from '../../analysis/classify';
import { withTree, type Node } from '../../analysis/treeSitter';
import type { Candidate, Failure, TextEdit } from '../../model';
import { testEditCandidate } from './candidate';
import { fakeTimeCandidate, frozenAtStart, pinnedAt } from './fakeTime';
import { assertionAt, atom, type Assertion } from '../../analysis/testAst';

const EXACT_MATCHERS = new Set(['toBe', 'toEqual', 'toStrictEqual']);
const EXACT_ASSERTS = new Set(['strictEqual', 'equal', 'deepStrictEqual', 'deepEqual']);

/** The tighter the change, the earlier it is tried: a tolerance or a frozen clock before a sorted comparison. */
const COST: Record<string, number> = { 'float-tolerance': 1, 'float-close-to': 1, 'sorted-comparison': 2 };

function candidate(file: string, operator: string, summary: string, edits: Array<Omit<TextEdit, 'file'>>): Candidate {
  return testEditCandidate(file, operator, summary, COST[operator] ?? 3, edits);
}

/** The relative tolerance: far above rounding noise (1e-16), far below any difference a test means. */
export function tolerance(expected: number): string {
  return String(Number((1e-9 * Math.max(1, Math.abs(expected))).toPrecision(2)));
}

/** Digits for `toBeCloseTo(e, digits)`, whose bound is 10^-digits / 2: the same 1e-9 relative. */
export function closeToDigits(expected: number): number {
  return Math.max(0, 9 - Math.floor(Math.log10(Math.max(1, Math.abs(expected)))));
}

function floatRewrite(file: string, a: Assertion, expectedValue: number): Candidate | undefined {
  const fn = a.node.childForFieldName('function');
  const expected = a.args[0];
  if (!fn || !a.actual || !expected) return undefined;
  if (a.style === 'assert' && EXACT_ASSERTS.has(a.matcher) && fn.type === 'member_expression') {
    const object = fn.childForFieldName('object')!.text;
    const message = a.args[1] ? `, ${a.args[1].text}` : `, '${a.actual.text.replace(/[\\']/g, '\\$&')} ≈ ${expected.text.replace(/[\\']/g, '\\$&')}'`;
    const text = `${object}.ok(Math.abs(${atom(a.actual)} - ${atom(expected)}) <= ${tolerance(expectedValue)}${message})`;
    return candidate(
      file,
      'float-tolerance',
      `Compare ${a.actual.text} with ${expected.text} within ${tolerance(expectedValue)} instead of exactly (floating-point rounding)`,
      [{ start: a.node.startIndex, end: a.node.endIndex, newText: text }],
    );
  }
  if (a.style === 'expect' && EXACT_MATCHERS.has(a.matcher) && fn.type === 'member_expression') {
    const property = fn.childForFieldName('property')!;
    const digits = closeToDigits(expectedValue);
    return candidate(file, 'float-close-to', `Use toBeCloseTo(${expected.text}, ${digits}) instead of ${a.matcher} (floating-point rounding)`, [
      { start: property.startIndex, end: a.node.endIndex, newText: `toBeCloseTo(${expected.text}, ${digits})` },
    ]);
  }
  return undefined;
}

function sortedRewrite(file: string, a: Assertion): Candidate | undefined {
  const expected = a.args[0];
  if (!a.actual || !expected) return undefined;
  const deep = a.style === 'assert' ? ['deepStrictEqual', 'deepEqual'].includes(a.matcher) : ['toEqual', 'toStrictEqual'].includes(a.matcher);
  if (!deep) return undefined;
  const sorted = (n: Node): string => `[...${atom(n)}].sort()`;
  return candidate(file, 'sorted-comparison', `Compare ${a.actual.text} with ${expected.text} as sorted arrays (the order is not specified)`, [
    { start: a.actual.startIndex, end: a.actual.endIndex, newText: sorted(a.actual) },
    { start: expected.startIndex, end: expected.endIndex, newText: sorted(expected) },
  ]);
}

export interface BrittleResult {
  candidates: Candidate[];
  /** Why no candidate was made, for the failures that got none. */
  notes: string[];
}

/** Robust-form candidates for the brittle assertions among `failures`, cheapest and tightest first. */
export async function brittleCandidates(failures: Failure[], readText: (rel: string) => Promise<string | undefined>): Promise<BrittleResult> {
  const out: BrittleResult = { candidates: [], notes: [] };
  for (const f of failures) {
    const frame = f.stack.find((s) => s.file === f.file) ?? (f.line ? { file: f.file!, line: f.line, column: undefined } : undefined);
    const text = f.file && (await readText(f.file));
    if (!frame || !text) {
      out.notes.push(`${f.name}: the failing assertion's line is unknown, so it was not rewritten.`);
      continue;
    }
    const made = await withTree(frame.file, text, (tree) => {
      const a = assertionAt(tree.rootNode, frame.line, frame.column);
      if (!a) return [];
      const list: Array<Candidate | undefined> = [];
      const e = Number(f.expected);
      if (floatNoise(f)) list.push(floatRewrite(frame.file, a, e));
      if (clockSkew(f) !== undefined) list.push(fakeTimeCandidate(frame.file, text, tree.rootNode, a, f.runner, frozenAtStart));
      const pinned = pinnedClock(f);
      if (pinned) list.push(fakeTimeCandidate(frame.file, text, tree.rootNode, a, f.runner, pinnedAt(pinned.pinned)));
      if (isPermutation(f)) list.push(sortedRewrite(frame.file, a));
      return list.filter((c): c is Candidate => !!c);
    });
    if (made?.length) out.candidates.push(...made.sort((a, b) => a.cost - b.cost));
    else
      out.notes.push(
        `${f.name}: no robust form is known for this assertion (${f.file}:${frame.line}); a seed or an explicit locale in the code may be the fix.`,
      );
  }
  return out;
}
