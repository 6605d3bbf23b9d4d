/**
 * Probe inputs for comparing a fix's behaviour with the original's: the calls the tests make with
 * literal arguments (`page([1, 2, 3], 0, 2)`), read from the test files' text, and their
 * neighbours — each number ±1, each string and array one element shorter and one longer. A right
 * fix usually changes behaviour only where the failing tests need it; an overfit one changes it
 * on inputs no test looks at. Calls with anything but literals (variables, expressions) are left
 * out: they cannot be replayed without running the test.
 */

export interface Probe {
  /** Callee as written: the function's name, or the property name of `m.name(...)`. */
  fn: string;
  /** Argument list source text, literals only: evaluated by the probe worker, never here. */
  args: string;
  /** Made by a failing test: there the fix must change the behaviour. */
  failing: boolean;
}

/** Literals only: strings (quoted), numbers, brackets, commas, `key:` names, true/false/null/undefined. */
function literalOnly(args: string): boolean {
  const noStrings = args.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, '0');
  const noKeys = noStrings.replace(/[A-Za-z_$][\w$]*\s*:/g, '').replace(/\b(true|false|null|undefined|NaN|Infinity)\b/g, '0');
  return /^[\s\d.,[\]{}\-+eE_]*$/.test(noKeys) && !/[{[]\s*[,\]}]?\s*\.\.\./.test(noKeys);
}

/** Index just past the parenthesis that closes the one at `open`, skipping strings; -1 when unbalanced. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

const TEST_CALL = /\b(?:test|it|specify)\s*\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g;
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'function', 'test', 'it', 'describe', 'specify', 'suite', 'require', 'catch', 'typeof']);

/** The literal-argument calls in one test file; `failingNames` are the names of its failing tests. */
export function probesIn(testText: string, failingNames: string[]): Probe[] {
  const starts = [...testText.matchAll(TEST_CALL)].map((m) => ({ at: m.index, name: m[2] }));
  const out: Probe[] = [];
  for (const m of testText.matchAll(/(?<![\w$])([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (KEYWORDS.has(m[1]) || /\bassert\s*\.\s*$/.test(testText.slice(Math.max(0, m.index - 10), m.index))) continue;
    const open = m.index + m[0].length - 1;
    const end = closing(testText, open);
    if (end === -1) continue;
    const args = testText.slice(open + 1, end - 1);
    if (!args.trim() || !literalOnly(args)) continue;
    const inTest = starts.filter((s) => s.at < m.index).pop();
    out.push({ fn: m[1], args, failing: !!inTest && failingNames.includes(inTest.name) });
  }
  return out;
}

/** Neighbours of an evaluated argument list: one argument changed at a time. */
export function neighbours(args: unknown[]): unknown[][] {
  const out: unknown[][] = [];
  const put = (i: number, value: unknown): void => {
    out.push(args.map((a, j) => (j === i ? value : a)));
  };
  args.forEach((a, i) => {
    if (typeof a === 'number' && Number.isFinite(a)) [a - 1, a + 1].forEach((v) => put(i, v));
    else if (typeof a === 'string') {
      if (a.length > 0) put(i, a.slice(0, -1));
      put(i, a + (a.at(-1) ?? 'a'));
    } else if (typeof a === 'boolean') put(i, !a);
    else if (Array.isArray(a)) {
      if (a.length > 0) put(i, a.slice(0, -1));
      put(i, [...a, a.length > 0 ? a[a.length - 1] : 0]);
    }
  });
  return out;
}

/** How many leading elements of an array argument `elementNeighbours` varies. */
const ELEMENTS_VARIED = 8;

/**
 * Neighbours inside array arguments: each number among the first elements ±1, one at a time. Two
 * fixes that agree on the tests' arrays and on those arrays shortened or lengthened can still
 * compute differently once an element changes (an operator applied to the wrong element, a
 * remainder for a quotient), and the tests' arrays are where such inputs come from.
 */
export function elementNeighbours(args: unknown[]): unknown[][] {
  const out: unknown[][] = [];
  args.forEach((a, i) => {
    if (!Array.isArray(a)) return;
    a.slice(0, ELEMENTS_VARIED).forEach((element, k) => {
      if (typeof element !== 'number' || !Number.isFinite(element)) return;
      for (const v of [element - 1, element + 1]) out.push(args.map((b, j) => (j === i ? a.map((e, m) => (m === k ? v : e)) : b)));
    });
  });
  return out;
}

/**
 * The numbers the code itself compares and computes with (`amount > 100`), at most `max`: a fix
 * that moves a boundary behaves like another only until an input reaches that boundary, which
 * the tests' own inputs and their ±1 neighbours often do not.
 */
export function codeNumbers(source: string, max = 6): number[] {
  const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');
  const out: number[] = [];
  for (const m of code.matchAll(/(?<![\w$.])(\d+(?:\.\d+)?)(?![\w$.])/g)) {
    const n = Number(m[1]);
    if (Number.isFinite(n) && !out.includes(n)) out.push(n);
    if (out.length >= max) break;
  }
  return out;
}

/** Each numeric argument set, one at a time, to each of `numbers` and its ±1: inputs at the code's own boundaries. */
export function atBoundaries(args: unknown[], numbers: number[]): unknown[][] {
  const out: unknown[][] = [];
  args.forEach((a, i) => {
    if (typeof a !== 'number') return;
    for (const n of numbers) for (const v of [n - 1, n, n + 1]) if (v !== a) out.push(args.map((b, j) => (j === i ? v : b)));
  });
  return out;
}
