/**
 * The shapes of a test file that test healing and the test-weakening guard look for: test calls
 * (`test('name', fn)`, `it.only(...)`), their callbacks, and assertions (`assert.x(...)`,
 * `t.assert.x(...)`, `expect(...).matcher(...)`). Tree-sitter, so that a rewrite is made on
 * syntax, never on a regex's guess.
 */
import type { Node } from './treeSitter';
import { walk } from './treeSitter';

const TEST_FUNCTIONS = new Set(['test', 'it', 'specify']);
const SUITE_FUNCTIONS = new Set(['describe', 'suite', 'context']);
export const FUNCTION_NODES = new Set(['arrow_function', 'function_expression', 'function']);

/** `test`, `it.only`, `test.concurrent.skip` → the base name and its modifiers. */
export function calleeParts(call: Node): { base: string; modifiers: string[] } | undefined {
  let fn = call.childForFieldName('function');
  const modifiers: string[] = [];
  while (fn?.type === 'member_expression') {
    modifiers.unshift(fn.childForFieldName('property')?.text ?? '');
    fn = fn.childForFieldName('object');
  }
  return fn?.type === 'identifier' ? { base: fn.text, modifiers } : undefined;
}

export const isTestCall = (n: Node): boolean => n.type === 'call_expression' && TEST_FUNCTIONS.has(calleeParts(n)?.base ?? '');
export const isSuiteCall = (n: Node): boolean => n.type === 'call_expression' && SUITE_FUNCTIONS.has(calleeParts(n)?.base ?? '');

/** The literal text of a test call's name argument, if it is a plain string. */
export function testName(call: Node): string | undefined {
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  if (!first) return undefined;
  if (first.type === 'string') return first.text.slice(1, -1);
  if (first.type === 'template_string' && !first.namedChildren.some((c) => c?.type === 'template_substitution')) return first.text.slice(1, -1);
  return undefined;
}

/** The function a test call runs: its last function argument. */
export function testCallback(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  return [...args].reverse().find((a) => FUNCTION_NODES.has(a.type));
}

export function allTestCalls(root: Node): Node[] {
  return [...walk(root)].filter(isTestCall);
}

/** The test call whose name is the last part of a failure id (`file > suite > name`). */
export function findTestCall(root: Node, idOrName: string): Node | undefined {
  const parts = idOrName.split(' > ');
  const leaf = parts[parts.length - 1];
  const calls = allTestCalls(root).filter((c) => testName(c) === leaf);
  if (calls.length <= 1) return calls[0];
  // Same leaf name in several suites: pick the one whose suites match the id.
  return calls.find((c) => {
    const suites: string[] = [];
    for (let p = c.parent; p; p = p.parent) if (isSuiteCall(p)) suites.unshift(testName(p) ?? '');
    return parts.slice(-1 - suites.length, -1).join(' > ') === suites.join(' > ');
  });
}

/** The innermost test call around a 0-based line. */
export function testCallAt(root: Node, line: number): Node | undefined {
  return allTestCalls(root)
    .filter((c) => c.startPosition.row <= line && line <= c.endPosition.row)
    .sort((a, b) => b.startIndex - a.startIndex)[0];
}

export type AssertionStyle = 'assert' | 'expect';

export interface Assertion {
  node: Node;
  style: AssertionStyle;
  /** `strictEqual`, `ok`, `assert` (bare call); for expect chains the matcher, `.not` included (`not.toBe`). */
  matcher: string;
  /** The value under test: `assert.x(actual, …)`'s first argument, or `expect(actual)`'s. */
  actual?: Node;
  /** The arguments after the value under test (expected value, message, precision). */
  args: Node[];
}

/** An assertion call, or undefined: `assert(...)`, `assert.x(...)`, `t.assert.x(...)`, `expect(...)[.not].matcher(...)`. */
export function asAssertion(call: Node): Assertion | undefined {
  if (call.type !== 'call_expression') return undefined;
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  if (!fn) return undefined;
  if (fn.type === 'identifier' && fn.text === 'assert') return { node: call, style: 'assert', matcher: 'assert', actual: args[0], args: args.slice(1) };
  if (fn.type !== 'member_expression') return undefined;
  const property = fn.childForFieldName('property')?.text ?? '';
  const object = fn.childForFieldName('object');
  if (object && /^(?:\w+\.)?assert$/.test(object.text)) {
    return { node: call, style: 'assert', matcher: property, actual: args[0], args: args.slice(1) };
  }
  // expect(actual).matcher(...), expect(actual).not.matcher(...), expect(x).resolves.toBe(...)
  const modifiers: string[] = [];
  let target = object;
  while (target?.type === 'member_expression') {
    modifiers.unshift(target.childForFieldName('property')?.text ?? '');
    target = target.childForFieldName('object');
  }
  if (target?.type === 'call_expression' && target.childForFieldName('function')?.text === 'expect') {
    const inner = target.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
    return { node: call, style: 'expect', matcher: [...modifiers, property].join('.'), actual: inner, args };
  }
  return undefined;
}

export function assertionsIn(root: Node): Assertion[] {
  const out: Assertion[] = [];
  for (const n of walk(root)) {
    const a = asAssertion(n);
    if (a) out.push(a);
  }
  return out;
}

/** The assertion a stack frame points at (1-based line and column), or the first one on the line. */
export function assertionAt(root: Node, line1: number, column1?: number): Assertion | undefined {
  const row = line1 - 1;
  if (column1 !== undefined) {
    let n: Node | null = root.descendantForPosition({ row, column: Math.max(0, column1 - 1) });
    for (; n; n = n.parent) {
      const a = asAssertion(n);
      if (a) return a;
      if (FUNCTION_NODES.has(n.type)) break;
    }
  }
  return (
    assertionsIn(root).find((a) => a.node.startPosition.row <= row && row <= a.node.endPosition.row && a.node.startPosition.row === row) ??
    assertionsIn(root).find((a) => a.node.startPosition.row <= row && row <= a.node.endPosition.row)
  );
}

/** Wrap an expression's text in parentheses unless it is already atomic. */
export function atom(node: Node): string {
  return [
    'identifier',
    'number',
    'call_expression',
    'member_expression',
    'subscript_expression',
    'parenthesized_expression',
    'string',
    'array',
    'object',
  ].includes(node.type)
    ? node.text
    : `(${node.text})`;
}

/** The indentation of the line a node starts on. */
export function indentOf(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
