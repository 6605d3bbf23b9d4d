/**
 * The offline engine's edit operators (GenProg-style, but on the tree-sitter AST and without
 * crossover): each proposes small, parseable edits to one node. Each edit is priced by the prior
 * of its kind (priors.ts: explicit parameters, fitted and cross-validated by the benchmark) plus
 * small adjustments within the kind; lower is tried first.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { ASSIGN_FAMILIES, BINARY_FAMILIES, BOUNDARY, CALLEE_SWAPS, MEMBER_SWAPS, siblings } from './families';
import { enclosingFunction, FUNCTION_TYPES, isUse, namesInScope } from '../../analysis/scope';
import { indentOf } from '../../analysis/testAst';
import { contextMutations } from './contextual';
import { templateMutations } from './templates';
import { DEFAULT_PRIORS, type MutationPriors } from './priors';
import { isLoopBound, MutationSink, type Mutation } from './sink';

export type { Mutation } from './sink';

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
    // A swap between orderings and (in)equalities is priced apart from a swap within one of them,
    // and each direction apart from the other: they are different slips, and the cross-family
    // ones are the swaps that most often pass the tests without being the fix.
    const cross = comparisons.has(op.type) !== comparisons.has(sibling);
    const intoEquality = cross && comparisons.has(op.type);
    // A loop condition that is inverted never or always runs, so there the negation (`>` for
    // `<=`) is a likelier slip than in a plain comparison.
    const negation = NEGATION[op.type] === sibling && isLoopCondition(node);
    const prior =
      BOUNDARY[op.type] === sibling ? 'boundary' : negation ? 'negatedComparison' : intoEquality ? 'intoEquality' : cross ? 'crossComparison' : 'operator';
    sink.add(op, sibling, 'binary-operator', `replace ${code(op.type)} with ${code(sibling)} on ${at}`, prior);
  }
  if (['+', '-', '*', '/', '%', '&&', '||', '??'].includes(op.type)) {
    sink.add(node, left.text, 'operand-drop', `drop ${code(op.type + ' ' + right.text)} on ${at}`, 'operandDrop');
    sink.add(node, right.text, 'operand-drop', `drop ${code(left.text + ' ' + op.type)} on ${at}`, { prior: 'operandDrop', plus: 0.1 });
  }
  if (['-', '/', '%', '**'].includes(op.type)) {
    sink.add(node, `${right.text} ${op.type} ${left.text}`, 'operand-swap', `swap the operands of ${code(op.type)} on ${at}`, 'argSwap');
  }
}

function isLoopCondition(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'for_statement' && !!parent.childForFieldName('condition')?.equals(node);
}

function numberMutations(node: Node, sink: MutationSink): void {
  const text = node.text;
  if (!/^\d+$/.test(text)) return;
  const value = Number(text);
  const at = `line ${node.startPosition.row + 1}`;
  const variants = new Set([value + 1, value - 1, value === 0 ? 1 : 0, value === 1 ? 0 : 1]);
  const negated = node.parent?.type === 'unary_expression' && node.parent.child(0)?.type === '-';
  // Loop bounds are where off-by-ones live, so a literal there is priced apart from one elsewhere.
  const prior = isLoopBound(node) ? 'loopLiteral' : 'literal';
  for (const v of variants) {
    // -1 is written as a unary minus; `0 → -1` is proposed below as a replacement of the literal.
    if (v < 0) {
      if (!negated) sink.add(node, String(v), 'literal', `change ${code(text)} to ${code(String(v))} on ${at}`, { prior, plus: 0.1 });
      continue;
    }
    sink.add(node, String(v), 'literal', `change ${code(text)} to ${code(String(v))} on ${at}`, { prior, plus: Math.abs(v - value) === 1 ? 0 : 0.2 });
  }
  // A negated literal is a unary expression, so `-1 → 1` and `1 → -1` are proposed here.
  const parent = node.parent;
  if (parent?.type === 'unary_expression' && parent.child(0)?.type === '-') {
    sink.add(parent, text, 'literal', `change ${code(parent.text)} to ${code(text)} on ${at}`, 'literal');
  } else if (value !== 0) {
    sink.add(node, `-${text}`, 'literal', `change ${code(text)} to ${code('-' + text)} on ${at}`, { prior: 'literal', plus: 0.3 });
  }
}

function unaryMutations(node: Node, sink: MutationSink): void {
  const op = node.child(0);
  const arg = node.childForFieldName('argument');
  if (!op || !arg) return;
  const at = `line ${node.startPosition.row + 1}`;
  if (op.type === '!') sink.add(node, arg.text, 'negation', `remove the negation ${code(node.text)} on ${at}`, 'negation');
  if (op.type === '-' && arg.type !== 'number') sink.add(node, arg.text, 'negation', `remove the minus in ${code(node.text)} on ${at}`, 'negation');
}

function identifierMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  if (!isUse(node)) return;
  const parent = node.parent!;
  const isCallee = parent.type === 'call_expression' && parent.childForFieldName('function')?.equals(node);
  const at = `line ${node.startPosition.row + 1}`;
  if (isCallee) {
    for (const other of siblings(CALLEE_SWAPS, node.text))
      sink.add(node, other, 'callee', `call ${code(other)} instead of ${code(node.text)} on ${at}`, 'callee');
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
    sink.add(node, name, 'identifier', `${returned ? 'return' : 'use'} ${code(name)} instead of ${code(node.text)} on ${at}`, {
      prior: returned ? 'returnVariable' : 'identifier',
      plus: crowd,
      hinted,
    });
  }
}

function memberMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  const property = node.childForFieldName('property');
  const object = node.childForFieldName('object');
  if (!property || !object) return;
  const at = `line ${node.startPosition.row + 1}`;
  for (const other of siblings(MEMBER_SWAPS, property.text)) {
    sink.add(property, other, 'member', `use ${code('.' + other)} instead of ${code('.' + property.text)} on ${at}`, 'member');
  }
  const optional = node.children.some((c) => c?.type === 'optional_chain' || c?.type === '?.');
  if (!optional && object.type !== 'this' && !['Math', 'Object', 'Array', 'JSON', 'Number', 'String', 'console', 'Promise'].includes(object.text)) {
    const dot = node.children.find((c) => c?.type === '.');
    if (dot) {
      const hinted = hints.nullishReads.includes(property.text);
      sink.add(dot, '?.', 'optional-chain', `read ${code(property.text)} only when ${code(object.text)} exists (optional chaining) on ${at}`, {
        prior: 'optionalChain',
        hinted,
      });
      if (hinted && object.type === 'identifier') defaultParameter(object, sink);
      if (hinted) skipWhenNullish(object, sink);
    }
  }
}

/**
 * The null check that was left out: the statement that read a property of a missing value runs
 * only when the value is there (`if (key != null) key = key.toString();`), the "skip" strategy
 * of null-pointer repair (Durieux et al., NPEfix, SANER 2017). Only for an expression statement
 * (a return or a declaration skipped would change more than the read) whose value is a name or a
 * property path, which reads no differently when checked first; only on the failure's evidence.
 */
function skipWhenNullish(value: Node, sink: MutationSink): void {
  if (!/^[\w$]+(\.[\w$]+)*$/.test(value.text) || value.text === 'this') return;
  let statement: Node | null = value.parent;
  while (statement && statement.type !== 'expression_statement') {
    // A read inside a callback belongs to the callback's statements, not the caller's.
    if (statement.type.endsWith('statement') || statement.type === 'statement_block' || FUNCTION_TYPES.has(statement.type)) return;
    statement = statement.parent;
  }
  if (!statement || statement.parent?.type !== 'statement_block') return;
  sink.add(
    statement,
    `if (${value.text} != null) ${statement.text}`,
    'null-check',
    `skip the statement on line ${statement.startPosition.row + 1} when ${code(value.text)} is null or undefined`,
    { prior: 'optionalChain', hinted: true },
  );
}

/** The name of a plain parameter (`opts`, `opts: Options`), or undefined for a pattern, a default or a rest parameter. */
function plainParameterName(param: Node): string | undefined {
  if (param.type === 'identifier') return param.text;
  if (param.type === 'required_parameter' || param.type === 'optional_parameter') {
    const pattern = param.childForFieldName('pattern');
    if (pattern?.type === 'identifier' && !param.childForFieldName('value')) return pattern.text;
  }
  return undefined;
}

/**
 * A missing default for an options parameter: the function reads `opts.x`, a caller passes
 * nothing, and the failure says a property of undefined was read. Guarding every read (`?.`)
 * takes one edit per read; the usual fix is one line at the top of the function,
 * `opts = opts || {}`, which also covers null. Only proposed on that evidence.
 */
function defaultParameter(name: Node, sink: MutationSink): void {
  for (let fn = enclosingFunction(name); fn; fn = fn.parent ? enclosingFunction(fn.parent) : undefined) {
    const params = fn.childForFieldName('parameters')?.namedChildren ?? [fn.childForFieldName('parameter')];
    if (!params.some((p) => p && plainParameterName(p) === name.text)) continue;
    const body = fn.childForFieldName('body');
    if (body?.type !== 'statement_block') return;
    const first = body.namedChildren.find((c) => c && c.type !== 'comment');
    const indent = first ? indentOf(sink.source, first.startIndex) : '';
    const open = body.startIndex + 1;
    sink.replaceRange(
      open,
      open,
      body.startPosition.row,
      `\n${indent || '  '}${name.text} = ${name.text} || {};`,
      'default-parameter',
      `default ${code(name.text)} to \`{}\` when no value is passed, on line ${body.startPosition.row + 1}`,
      { prior: 'optionalChain', hinted: true },
    );
    return;
  }
}

function callMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  const args = node.childForFieldName('arguments');
  const at = `line ${node.startPosition.row + 1}`;
  const list = args?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
  for (let i = 0; i + 1 < list.length; i++) {
    const a = list[i];
    const b = list[i + 1];
    sink.replaceRange(
      a.startIndex,
      b.endIndex,
      a.startPosition.row,
      `${b.text}${sink.source.slice(a.endIndex, b.startIndex)}${a.text}`,
      'argument-swap',
      `swap the arguments ${code(a.text)} and ${code(b.text)} on ${at}`,
      'argSwap',
    );
  }
  const fn = enclosingFunction(node);
  const isAsync = fn?.children.some((c) => c?.type === 'async') ?? false;
  if (isAsync && node.parent?.type !== 'await_expression') {
    sink.add(node, `await ${node.text}`, 'await', `await ${code(node.text)} on ${at}`, { prior: 'await', hinted: hints.promiseLeak });
  }
}

function coercionMutations(node: Node, sink: MutationSink, hints: FailureHints): void {
  // Operands of + decide between addition and concatenation: the classic "wrong type" bug.
  const op = node.childForFieldName('operator');
  if (op?.type !== '+' && op?.type !== '+=') return;
  const at = `line ${node.startPosition.row + 1}`;
  const price = { prior: 'coercion', plus: hints.typeMismatch ? 0.2 : 0, hinted: hints.typeMismatch } as const;
  for (const side of ['left', 'right'] as const) {
    const operand = node.childForFieldName(side);
    if (!operand || operand.type === 'number' || operand.type === 'string' || operand.type === 'template_string') continue;
    sink.add(operand, `Number(${operand.text})`, 'coercion', `convert ${code(operand.text)} to a number on ${at}`, price);
  }
}

function statementMutations(node: Node, sink: MutationSink): void {
  const at = `line ${node.startPosition.row + 1}`;
  if (node.type === 'if_statement') {
    const condition = node.childForFieldName('condition');
    if (condition) {
      const inner = condition.text.replace(/^\(([\s\S]*)\)$/, '$1');
      const negated = inner.startsWith('!(') && inner.endsWith(')') ? inner.slice(2, -1) : `!(${inner})`;
      sink.add(condition, `(${negated})`, 'negation', `negate the condition ${code(inner)} on ${at}`, { prior: 'negation', plus: 0.1 });
    }
  }
  if (node.type === 'ternary_expression') {
    const c = node.childForFieldName('condition');
    const a = node.childForFieldName('consequence');
    const b = node.childForFieldName('alternative');
    if (c && a && b)
      sink.add(node, `${c.text} ? ${b.text} : ${a.text}`, 'ternary-swap', `swap the branches of ${code(c.text + ' ? …')} on ${at}`, 'ternarySwap');
  }
  const deletable = ['expression_statement', 'if_statement', 'break_statement', 'continue_statement', 'return_statement'];
  if (deletable.includes(node.type) && node.parent?.type === 'statement_block') {
    const siblingsCount = node.parent.namedChildren.length;
    if (siblingsCount > 1)
      sink.add(node, '', 'delete-statement', `delete ${code(node.text.split('\n')[0])} on ${at}`, {
        prior: 'deleteStatement',
        plus: node.type === 'return_statement' ? 0.4 : 0,
      });
  }
}

/** Every single-edit mutation inside `region`. */
export function mutationsIn(region: Node, source: string, hints: FailureHints = NO_HINTS, priors: MutationPriors = DEFAULT_PRIORS): Mutation[] {
  const sink = new MutationSink(source, priors);
  for (const node of walk(region)) {
    switch (node.type) {
      case 'binary_expression':
        binaryMutations(node, sink);
        coercionMutations(node, sink, hints);
        break;
      case 'augmented_assignment_expression': {
        const op = node.childForFieldName('operator');
        if (op)
          for (const s of siblings(ASSIGN_FAMILIES, op.type))
            sink.add(op, s, 'assign-operator', `replace ${code(op.type)} with ${code(s)} on line ${op.startPosition.row + 1}`, 'operator');
        coercionMutations(node, sink, hints);
        break;
      }
      case 'update_expression': {
        const op = node.children.find((c) => c?.type === '++' || c?.type === '--');
        if (op)
          sink.add(
            op,
            op.type === '++' ? '--' : '++',
            'update',
            `replace ${code(op.type)} with ${code(op.type === '++' ? '--' : '++')} on line ${op.startPosition.row + 1}`,
            'update',
          );
        break;
      }
      case 'number':
        numberMutations(node, sink);
        break;
      case 'true':
      case 'false':
        sink.add(
          node,
          node.type === 'true' ? 'false' : 'true',
          'boolean',
          `change ${code(node.type)} to ${code(node.type === 'true' ? 'false' : 'true')} on line ${node.startPosition.row + 1}`,
          'boolean',
        );
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
  sink.out.push(...contextMutations(region, source, priors));
  sink.out.push(...templateMutations(region, source, priors));
  return sink.out;
}
