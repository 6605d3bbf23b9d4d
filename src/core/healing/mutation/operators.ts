/**
 * The offline engine's edit operators (GenProg-style, but on the tree-sitter AST and without
 * crossover): each proposes small, parseable edits to one node. Costs are priors — lower is
 * tried first — set from what fixed real bugs in our benchmark and in the literature: operator
 * swaps before literal tweaks (a literal edit that happens to satisfy the tests is the main
 * source of overfitting), deletions last.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { ASSIGN_FAMILIES, BINARY_FAMILIES, BOUNDARY, CALLEE_SWAPS, MEMBER_SWAPS, siblings } from './families';
import { enclosingFunction, isUse, namesInScope } from './scope';
import { contextMutations } from './contextual';
import { templateMutations } from './templates';

export interface Mutation {
  start: number;
  end: number;
  text: string;
  operator: string;
  summary: string;
  cost: number;
  /** 0-based line of the edit, for summaries and location weighting. */
  line: number;
}

/** What the failure output suggests, used to promote the operators that address it. */
export interface FailureHints {
  /** "Cannot read properties of undefined (reading 'x')": the property names that were read. */
  nullishReads: string[];
  /** The failure shows a Promise where a value was expected. */
  promiseLeak: boolean;
  /** Expected and actual differ in type (e.g. '12' vs 12, or NaN). */
  typeMismatch: boolean;
  /** Identifier named in a ReferenceError ("x is not defined"). */
  undefinedNames: string[];
}

export const NO_HINTS: FailureHints = { nullishReads: [], promiseLeak: false, typeMismatch: false, undefinedNames: [] };

export const COST = {
  boundary: 1.0,
  operator: 1.1,
  crossComparison: 1.5,
  negatedComparison: 1.05,
  intoEquality: 2.2,
  member: 1.2,
  callee: 2.1,
  operandDrop: 1.8,
  negation: 1.7,
  identifier: 1.6,
  returnVariable: 1.15,
  literal: 2.0,
  loopLiteral: 1.05,
  boolean: 1.9,
  ternarySwap: 2.0,
  argSwap: 2.2,
  optionalChain: 2.3,
  await: 2.3,
  coercion: 2.4,
  update: 1.3,
  deleteStatement: 2.8,
  template: 2.9,
  contextLiteral: 2.1,
  everywhere: 1.6,
  flipReturns: 1.8,
  branchSwap: 2.0,
  elementSwap: 2.1,
  assignKind: 1.5,
  plusOne: 2.3,
  dropCall: 2.0,
  truncate: 1.9,
  memberToName: 2.3,
  hinted: 0.4,
} as const;

export class MutationSink {
  readonly out: Mutation[] = [];
  constructor(readonly source: string) {}

  add(node: { startIndex: number; endIndex: number; startPosition: { row: number } }, text: string, operator: string, summary: string, cost: number): void {
    if (this.source.slice(node.startIndex, node.endIndex) === text) return;
    this.out.push({ start: node.startIndex, end: node.endIndex, text, operator, summary, cost, line: node.startPosition.row });
  }

  replaceRange(start: number, end: number, row: number, text: string, operator: string, summary: string, cost: number): void {
    this.add({ startIndex: start, endIndex: end, startPosition: { row } }, text, operator, summary, cost);
  }
}

const NEGATION: Record<string, string> = { '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

const code = (text: string): string => '`' + (text.length > 40 ? text.slice(0, 37) + '…' : text) + '`';

function binaryMutations(node: Node, sink: MutationSink): void {
  const op = node.childForFieldName('operator');
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!op || !left || !right) return;
  const at = `line ${op.startPosition.row + 1}`;
  const comparisons = new Set(['<', '<=', '>', '>=']);
  for (const sibling of siblings(BINARY_FAMILIES, op.type)) {
    // `-a ** b` parses for tree-sitter but is a SyntaxError in JavaScript.
    if (sibling === '**' && left.type === 'unary_expression') continue;
    // An equality test that should have been an ordering (`balance == 0` for `< 0`) is a real
    // slip; an ordering turned into (in)equality mostly just happens to pass the tests.
    const cross = comparisons.has(op.type) !== comparisons.has(sibling);
    const intoEquality = cross && comparisons.has(op.type);
    // A loop condition that is inverted (`i > b` where `i <= b` was meant) never or always runs:
    // there the negation is the likelier slip; elsewhere the mirror (`>` for `<`) is.
    const negation = NEGATION[op.type] === sibling && isLoopCondition(node);
    const cost = BOUNDARY[op.type] === sibling ? COST.boundary : negation ? COST.negatedComparison : intoEquality ? COST.intoEquality : cross ? COST.crossComparison : COST.operator;
    sink.add(op, sibling, 'binary-operator', `replace ${code(op.type)} with ${code(sibling)} on ${at}`, cost);
  }
  if (['+', '-', '*', '/', '%', '&&', '||', '??'].includes(op.type)) {
    sink.add(node, left.text, 'operand-drop', `drop ${code(op.type + ' ' + right.text)} on ${at}`, COST.operandDrop);
    sink.add(node, right.text, 'operand-drop', `drop ${code(left.text + ' ' + op.type)} on ${at}`, COST.operandDrop + 0.1);
  }
  if (['-', '/', '%', '**'].includes(op.type)) {
    sink.add(node, `${right.text} ${op.type} ${left.text}`, 'operand-swap', `swap the operands of ${code(op.type)} on ${at}`, COST.argSwap);
  }
}

function isLoopCondition(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'for_statement' && !!parent.childForFieldName('condition')?.equals(node);
}

export function isLoopBound(node: Node): boolean {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'for_statement') {
      const init = n.childForFieldName('initializer');
      const condition = n.childForFieldName('condition');
      return !!(init && init.startIndex <= node.startIndex && node.endIndex <= init.endIndex) || !!(condition && condition.startIndex <= node.startIndex && node.endIndex <= condition.endIndex);
    }
    if (n.type.endsWith('statement') || n.type === 'statement_block') return false;
  }
  return false;
}

function numberMutations(node: Node, sink: MutationSink): void {
  const text = node.text;
  if (!/^\d+$/.test(text)) return;
  const value = Number(text);
  const at = `line ${node.startPosition.row + 1}`;
  const variants = new Set([value + 1, value - 1, value === 0 ? 1 : 0, value === 1 ? 0 : 1]);
  const negated = node.parent?.type === 'unary_expression' && node.parent.child(0)?.type === '-';
  // Loop bounds are where off-by-ones live: `for (let i = 1; …)` meant 0 far more often than a
  // literal elsewhere is wrong.
  const loopBound = isLoopBound(node);
  const base = loopBound ? COST.loopLiteral : COST.literal;
  for (const v of variants) {
    // -1 is written as a unary minus; `0 → -1` is proposed below as a replacement of the literal.
    if (v < 0) {
      if (!negated) sink.add(node, String(v), 'literal', `change ${code(text)} to ${code(String(v))} on ${at}`, base + 0.1);
      continue;
    }
    sink.add(node, String(v), 'literal', `change ${code(text)} to ${code(String(v))} on ${at}`, base + (Math.abs(v - value) === 1 ? 0 : 0.2));
  }
  // A negated literal is a unary expression, so `-1 → 1` and `1 → -1` are proposed here.
  const parent = node.parent;
  if (parent?.type === 'unary_expression' && parent.child(0)?.type === '-') {
    sink.add(parent, text, 'literal', `change ${code(parent.text)} to ${code(text)} on ${at}`, COST.literal);
  } else if (value !== 0) {
    sink.add(node, `-${text}`, 'literal', `change ${code(text)} to ${code('-' + text)} on ${at}`, COST.literal + 0.3);
  }
}

function unaryMutations(node: Node, sink: MutationSink): void {
  const op = node.child(0);
  const arg = node.childForFieldName('argument');
  if (!op || !arg) return;
  const at = `line ${node.startPosition.row + 1}`;
  if (op.type === '!') sink.add(node, arg.text, 'negation', `remove the negation ${code(node.text)} on ${at}`, COST.negation);
  if (op.type === '-' && arg.type !== 'number') sink.add(node, arg.text, 'negation', `remove the minus in ${code(node.text)} on ${at}`, COST.negation);
}

function identifierMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  if (!isUse(node)) return;
  const parent = node.parent!;
  const isCallee = parent.type === 'call_expression' && parent.childForFieldName('function')?.equals(node);
  const at = `line ${node.startPosition.row + 1}`;
  if (isCallee) {
    for (const other of siblings(CALLEE_SWAPS, node.text)) sink.add(node, other, 'callee', `call ${code(other)} instead of ${code(node.text)} on ${at}`, COST.callee);
    return;
  }
  if (['undefined', 'NaN', 'Infinity', 'arguments', 'this'].includes(node.text)) return;
  const inScope = namesInScope(node, node.startIndex);
  const hinted = hints.undefinedNames.includes(node.text);
  // A name declared nowhere in reach is a global (Math, JSON, …): replacing it is noise, unless
  // a ReferenceError says that very name does not exist.
  if (!hinted && !inScope.includes(node.text)) return;
  const names = inScope.filter((n) => n !== node.text);
  // Many candidates dilute each one's prior: a name among 3 is likelier than one among 15.
  const crowd = Math.min(names.length, 12) * 0.03;
  // Returning the wrong variable is a classic slip, and a cheap one to test.
  const returned = parent.type === 'return_statement';
  for (const name of names) {
    sink.add(node, name, 'identifier', `${returned ? 'return' : 'use'} ${code(name)} instead of ${code(node.text)} on ${at}`, (hinted ? COST.hinted : returned ? COST.returnVariable : COST.identifier) + crowd);
  }
}

function memberMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  const property = node.childForFieldName('property');
  const object = node.childForFieldName('object');
  if (!property || !object) return;
  const at = `line ${node.startPosition.row + 1}`;
  for (const other of siblings(MEMBER_SWAPS, property.text)) {
    sink.add(property, other, 'member', `use ${code('.' + other)} instead of ${code('.' + property.text)} on ${at}`, COST.member);
  }
  const optional = node.children.some((c) => c?.type === 'optional_chain' || c?.type === '?.');
  if (!optional && object.type !== 'this' && !['Math', 'Object', 'Array', 'JSON', 'Number', 'String', 'console', 'Promise'].includes(object.text)) {
    const dot = node.children.find((c) => c?.type === '.');
    if (dot) {
      const hinted = hints.nullishReads.includes(property.text);
      sink.add(dot, '?.', 'optional-chain', `read ${code(property.text)} only when ${code(object.text)} exists (optional chaining) on ${at}`, hinted ? COST.hinted : COST.optionalChain);
    }
  }
}

function callMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  const args = node.childForFieldName('arguments');
  const at = `line ${node.startPosition.row + 1}`;
  const list = args?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  for (let i = 0; i + 1 < list.length; i++) {
    const a = list[i];
    const b = list[i + 1];
    sink.replaceRange(a.startIndex, b.endIndex, a.startPosition.row, `${b.text}${sink.source.slice(a.endIndex, b.startIndex)}${a.text}`, 'argument-swap', `swap the arguments ${code(a.text)} and ${code(b.text)} on ${at}`, COST.argSwap);
  }
  const fn = enclosingFunction(node);
  const isAsync = fn?.children.some((c) => c?.type === 'async') ?? false;
  if (isAsync && node.parent?.type !== 'await_expression') {
    sink.add(node, `await ${node.text}`, 'await', `await ${code(node.text)} on ${at}`, hints.promiseLeak ? COST.hinted : COST.await);
  }
}

function coercionMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  // Operands of + decide between addition and concatenation: the classic "wrong type" bug.
  const op = node.childForFieldName('operator');
  if (op?.type !== '+' && op?.type !== '+=') return;
  const at = `line ${node.startPosition.row + 1}`;
  const cost = hints.typeMismatch ? COST.hinted + 0.2 : COST.coercion;
  for (const side of ['left', 'right'] as const) {
    const operand = node.childForFieldName(side);
    if (!operand || operand.type === 'number' || operand.type === 'string' || operand.type === 'template_string') continue;
    sink.add(operand, `Number(${operand.text})`, 'coercion', `convert ${code(operand.text)} to a number on ${at}`, cost);
  }
}

function statementMutations(node: Node, sink: MutationSink): void {
  const at = `line ${node.startPosition.row + 1}`;
  if (node.type === 'if_statement') {
    const condition = node.childForFieldName('condition');
    if (condition) {
      const inner = condition.text.replace(/^\(([\s\S]*)\)$/, '$1');
      const negated = inner.startsWith('!(') && inner.endsWith(')') ? inner.slice(2, -1) : `!(${inner})`;
      sink.add(condition, `(${negated})`, 'negation', `negate the condition ${code(inner)} on ${at}`, COST.negation + 0.1);
    }
  }
  if (node.type === 'ternary_expression') {
    const c = node.childForFieldName('condition');
    const a = node.childForFieldName('consequence');
    const b = node.childForFieldName('alternative');
    if (c && a && b) sink.add(node, `${c.text} ? ${b.text} : ${a.text}`, 'ternary-swap', `swap the branches of ${code(c.text + ' ? …')} on ${at}`, COST.ternarySwap);
  }
  const deletable = ['expression_statement', 'if_statement', 'break_statement', 'continue_statement', 'return_statement'];
  if (deletable.includes(node.type) && node.parent?.type === 'statement_block') {
    const siblingsCount = node.parent.namedChildren.length;
    if (siblingsCount > 1) sink.add(node, '', 'delete-statement', `delete ${code(node.text.split('\n')[0])} on ${at}`, COST.deleteStatement + (node.type === 'return_statement' ? 0.4 : 0));
  }
}

/** Every single-edit mutation inside `region`. */
export function mutationsIn(region: Node, source: string, hints: FailureHints = NO_HINTS): Mutation[] {
  const sink = new MutationSink(source);
  for (const node of walk(region)) {
    switch (node.type) {
      case 'binary_expression':
        binaryMutations(node, sink);
        coercionMutations(node, sink, hints);
        break;
      case 'augmented_assignment_expression': {
        const op = node.childForFieldName('operator');
        if (op) for (const s of siblings(ASSIGN_FAMILIES, op.type)) sink.add(op, s, 'assign-operator', `replace ${code(op.type)} with ${code(s)} on line ${op.startPosition.row + 1}`, COST.operator);
        coercionMutations(node, sink, hints);
        break;
      }
      case 'update_expression': {
        const op = node.children.find((c) => c?.type === '++' || c?.type === '--');
        if (op) sink.add(op, op.type === '++' ? '--' : '++', 'update', `replace ${code(op.type)} with ${code(op.type === '++' ? '--' : '++')} on line ${op.startPosition.row + 1}`, COST.update);
        break;
      }
      case 'number':
        numberMutations(node, sink);
        break;
      case 'true':
      case 'false':
        sink.add(node, node.type === 'true' ? 'false' : 'true', 'boolean', `change ${code(node.type)} to ${code(node.type === 'true' ? 'false' : 'true')} on line ${node.startPosition.row + 1}`, COST.boolean);
        break;
      case 'unary_expression':
        unaryMutations(node, sink);
        break;
      case 'identifier':
        identifierMutations(node, sink, hints);
        break;
      case 'member_expression':
        memberMutations(node, sink, hints);
        break;
      case 'call_expression':
        callMutations(node, sink, hints);
        break;
      default:
        statementMutations(node, sink);
    }
  }
  sink.out.push(...contextMutations(region, source));
  sink.out.push(...templateMutations(region, source));
  return sink.out;
}
