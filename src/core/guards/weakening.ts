/**
 * The test-weakening guard (paper §5.4): a candidate that edits a test can pass by asking less of
 * the code. Every test edit is compared with the test it replaces: removed tests or assertions,
 * `.skip`/`.only`/`.todo`, an expected value replaced by the value the code produced, a broader
 * matcher, an assertion swallowed by try/catch, a wider tolerance. Any of these labels the
 * candidate "weakens tests": it is never applied automatically and needs explicit confirmation.
 * The robust forms test healing makes on purpose (a 1e-9 tolerance for a float, a sorted
 * comparison for an unordered result) are reported as notes, not weakening.
 */
import { isTestFile } from '../analysis/localize';
import { withTree, type Node } from '../analysis/treeSitter';
import { applyEdits } from '../edits';
import { allTestCalls, assertionsIn, calleeParts, testCallback, testName, type Assertion } from '../analysis/testAst';
import type { Candidate, Failure, GuardReport } from '../model';

import { WEAKENS } from '../labels';

export { WEAKENS };

/** Matcher → matchers that accept strictly more. */
const WEAKER: Record<string, string[]> = {
  strictEqual: ['equal', 'ok', 'assert', 'notEqual', 'notStrictEqual'],
  deepStrictEqual: ['deepEqual', 'equal', 'ok', 'assert', 'partialDeepStrictEqual'],
  deepEqual: ['ok', 'assert', 'partialDeepStrictEqual'],
  equal: ['ok', 'assert'],
  throws: ['doesNotThrow'],
  rejects: ['doesNotReject'],
  match: ['ok', 'assert'],
  toStrictEqual: ['toEqual', 'toMatchObject', 'toBeTruthy', 'toBeDefined', 'toBeInstanceOf'],
  toEqual: ['toMatchObject', 'toBeTruthy', 'toBeDefined', 'toBeInstanceOf'],
  toBe: [
    'toEqual',
    'toBeTruthy',
    'toBeFalsy',
    'toBeDefined',
    'toBeUndefined',
    'toBeNull',
    'toBeGreaterThan',
    'toBeLessThan',
    'toBeGreaterThanOrEqual',
    'toBeLessThanOrEqual',
    'toBeCloseTo',
  ],
  toHaveBeenCalledWith: ['toHaveBeenCalled'],
  toHaveBeenCalledTimes: ['toHaveBeenCalled'],
  toHaveLength: ['toBeDefined', 'toBeTruthy'],
  toThrow: ['toBeDefined'],
  toMatch: ['toBeDefined', 'toBeTruthy'],
  toContain: ['toBeDefined', 'toBeTruthy'],
};
/** Matchers whose arguments only narrow them: dropping one (`toThrow(/msg/)` → `toThrow()`) widens them. */
const NARROWED_BY_ARGS = new Set([
  'throws',
  'rejects',
  'toThrow',
  'toThrowError',
  'rejects.toThrow',
  'toHaveBeenCalledWith',
  'toBeCalledWith',
  'toHaveBeenLastCalledWith',
]);
const SKIPPING = new Set(['skip', 'only', 'todo', 'failing']);
const SKIPPING_BASES = new Set(['xit', 'xtest', 'xdescribe', 'fit', 'fdescribe']);

/** An assertion as plain data: trees are freed once parsed, and their nodes with them. */
interface Check {
  text: string;
  matcher: string;
  actual?: string;
  args: Array<{ text: string; type: string }>;
  guarded: boolean;
}

interface TestShape {
  tests: Map<string, Check[]>;
  skipped: number;
  total: number;
  expectAssertions: number;
  /** Assertions inside a try block that has a catch: a failure there can be swallowed. */
  guarded: number;
}

const literal = (n: { type: string } | undefined): boolean =>
  !!n && ['number', 'string', 'template_string', 'true', 'false', 'null', 'undefined', 'array', 'object', 'unary_expression'].includes(n.type);
const normalize = (v: string): string => v.replace(/\s+/g, '').replace(/['"`]/g, '');

function insideTryCatch(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'try_statement' && p.childForFieldName('handler')) return true;
  return false;
}

function shapeOf(root: Node): TestShape {
  const tests = new Map<string, Check[]>();
  const calls = allTestCalls(root);
  let skipped = 0;
  for (const n of root.descendantsOfType('call_expression')) {
    const parts = n && calleeParts(n);
    if (!parts) continue;
    const options = n.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'object');
    const testOrSuite = /^(?:test|it|specify|describe|suite|context)$/.test(parts.base);
    if (
      SKIPPING_BASES.has(parts.base) ||
      (testOrSuite && (parts.modifiers.some((m) => SKIPPING.has(m)) || /\b(?:skip|todo|only)\s*:/.test(options?.text ?? '')))
    )
      skipped++;
  }
  const toCheck = (a: Assertion): Check => ({
    text: a.node.text,
    matcher: a.matcher,
    actual: a.actual?.text,
    args: a.args.map((x) => ({ text: x.text, type: x.type })),
    guarded: insideTryCatch(a.node),
  });
  for (const call of calls) {
    const fn = testCallback(call);
    tests.set(testName(call) ?? `test ${tests.size + 1}`, fn ? assertionsIn(fn).map(toCheck) : []);
  }
  const all = [...tests.values()].flat();
  const expectAssertions = root
    .descendantsOfType('call_expression')
    .filter((n) => n && /^expect\.(assertions|hasAssertions)$/.test(n.childForFieldName('function')?.text ?? '')).length;
  return { tests, skipped, total: calls.length, expectAssertions, guarded: all.filter((a) => a.guarded).length };
}

/** Pairs of (before, after) assertions: identical ones matched in order, the rest paired between them. */
function align(before: Check[], after: Check[]): { changed: Array<[Check, Check]>; removed: Check[] } {
  const n = before.length;
  const m = after.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = before[i].text === after[j].text ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const changed: Array<[Check, Check]> = [];
  const removed: Check[] = [];
  let i = 0;
  let j = 0;
  let gapB: Check[] = [];
  let gapA: Check[] = [];
  const flush = (): void => {
    gapB.forEach((b, k) => {
      if (k < gapA.length) changed.push([b, gapA[k]]);
      else removed.push(b);
    });
    gapB = [];
    gapA = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && before[i].text === after[j].text) {
      flush();
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) gapB.push(before[i++]);
    else gapA.push(after[j++]);
  }
  flush();
  return { changed, removed };
}

/** `ok(Math.abs(A - E) <= tol)` or `toBeCloseTo(E, digits)` within 1e-6 relative of a numeric expected value. */
function tightTolerance(b: Check, a: Check): boolean {
  const expected = Number(b.args[0]?.text);
  if (!Number.isFinite(expected)) return false;
  const scale = Math.max(1, Math.abs(expected));
  if (a.matcher === 'toBeCloseTo') return Number(a.args[0]?.text) === expected && 10 ** -Number(a.args[1]?.text ?? 2) / 2 <= 1e-6 * scale;
  const m = /^Math\.abs\((.*) - (.*)\) <= ([\d.e+-]+)$/s.exec(a.actual ?? '');
  return (a.matcher === 'ok' || a.matcher === 'assert') && !!m && Number(m[2].replace(/^\((.*)\)$/s, '$1')) === expected && Number(m[3]) <= 1e-6 * scale;
}

const sortedBoth = (a: Check): boolean => /^\[\.\.\..*\]\.sort\(\)$/s.test(a.actual ?? '') && /^\[\.\.\..*\]\.sort\(\)$/s.test(a.args[0]?.text ?? '');

function judgePair(b: Check, a: Check, test: string, actuals: string[], findings: string[], notes: string[]): void {
  const where = `in "${test}"`;
  if (b.matcher !== a.matcher) {
    if (tightTolerance(b, a)) return void notes.push(`${where}: exact comparison replaced by one within a 1e-9-scale tolerance (floating-point rounding)`);
    if (a.matcher.startsWith('not.') !== b.matcher.startsWith('not.'))
      return void findings.push(`${where}: inverts an assertion (${b.matcher} → ${a.matcher})`);
    if (WEAKER[b.matcher]?.includes(a.matcher) || !WEAKER[a.matcher]?.includes(b.matcher))
      return void findings.push(`${where}: broadens a matcher (${b.matcher} → ${a.matcher})`);
    return;
  }
  if (sortedBoth(a) && !sortedBoth(b)) return void notes.push(`${where}: compares ${b.actual} as a sorted array (order not specified)`);
  if (NARROWED_BY_ARGS.has(a.matcher) && a.args.length < b.args.length) return void findings.push(`${where}: drops an argument of ${a.matcher} (accepts more)`);
  if (a.matcher === 'toBeCloseTo' && Number(a.args[1]?.text ?? 2) < Number(b.args[1]?.text ?? 2))
    return void findings.push(`${where}: widens a tolerance (toBeCloseTo digits ${b.args[1]?.text ?? 2} → ${a.args[1]?.text ?? 2})`);
  const be = b.args[0];
  const ae = a.args[0];
  if (be && ae && be.text !== ae.text && literal(be) && literal(ae) && b.actual === a.actual) {
    const toActual = actuals.some((v) => normalize(v) === normalize(ae.text));
    findings.push(`${where}: replaces the expected value ${be.text} with ${ae.text}${toActual ? ' — the value the code produced' : ''}`);
  }
}

async function judgeFile(file: string, before: string, after: string, actuals: string[]): Promise<{ findings: string[]; notes: string[] }> {
  const findings: string[] = [];
  const notes: string[] = [];
  const [b, a] = [await withTree(file, before, (t) => shapeOf(t.rootNode)), await withTree(file, after, (t) => shapeOf(t.rootNode))];
  if (!b || !a) return { findings: [`${file}: could not be parsed, so the edit could not be checked`], notes };
  if (a.skipped > b.skipped) findings.push(`${file}: adds .skip/.only/.todo (${a.skipped - b.skipped})`);
  if (a.total < b.total) findings.push(`${file}: removes ${b.total - a.total} test(s)`);
  if (a.expectAssertions < b.expectAssertions) findings.push(`${file}: removes an expect.assertions() check`);
  if (a.guarded > b.guarded) findings.push(`${file}: puts ${a.guarded - b.guarded} assertion(s) inside try/catch, where a failure can be swallowed`);
  for (const [name, olds] of b.tests) {
    const news = a.tests.get(name);
    if (!news) continue;
    const { changed, removed } = align(olds, news);
    if (removed.length > 0)
      findings.push(`in "${name}": removes ${removed.length} assertion(s): ${removed.map((r) => r.text.split('\n')[0].slice(0, 80)).join('; ')}`);
    for (const [x, y] of changed) judgePair(x, y, name, actuals, findings, notes);
  }
  return { findings, notes };
}

const isSnapshotFile = (file: string): boolean => /\.(snap|snapshot)$/.test(file);

/**
 * Check every test file a candidate edits. `before` holds the original text of those files.
 * Undefined when the candidate edits no test file.
 */
export async function weakeningGuard(candidate: Candidate, before: Record<string, string>, failures: Failure[] = []): Promise<GuardReport | undefined> {
  const files = [...new Set(candidate.edits.map((e) => e.file))].filter((f) => isTestFile(f) || isSnapshotFile(f));
  if (files.length === 0) return undefined;
  const started = Date.now();
  const actuals = failures.map((f) => f.actual).filter((v): v is string => v !== undefined);
  const findings: string[] = [];
  const notes: string[] = [];
  for (const file of files) {
    const original = before[file] ?? '';
    const edited = applyEdits(
      original,
      candidate.edits.filter((e) => e.file === file),
    );
    if (isSnapshotFile(file)) {
      notes.push(`${file}: replaces a stored snapshot with the current output (accept it only if the new output is intended)`);
      continue;
    }
    const judged = await judgeFile(file, original, edited, actuals);
    findings.push(...judged.findings);
    notes.push(...judged.notes);
  }
  return {
    guard: 'test-weakening',
    label: findings.length > 0 ? WEAKENS : undefined,
    findings: [...findings, ...notes.map((n) => `note: ${n}`)],
    ms: Date.now() - started,
  };
}
