/**
 * Operators that look beyond one node: they borrow from the surrounding function (a literal or a
 * name used nearby), or apply one change consistently (every `||` of a chain, every returned
 * boolean). Real bugs are often "the right ingredient, used in the wrong place", and a slip
 * repeated along a chain is still one slip.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { isLoopBound, MutationSink, type Mutation } from './sink';
import type { MutationPriors } from './priors';
import { FUNCTION_TYPES, isUse, namesInScope } from '../../analysis/scope';

const code = (text: string): string => '`' + (text.length > 40 ? text.slice(0, 37) + '…' : text) + '`';
const lineOf = (node: Node): string => `line ${node.startPosition.row + 1}`;

/** The chain a binary node belongs to: the topmost ancestor reached through binary parents. */
function chainTop(node: Node): Node {
  let top = node;
  while (top.parent?.type === 'binary_expression' || (top.parent?.type === 'parenthesized_expression' && top.parent.parent?.type === 'binary_expression'))
    top = top.parent;
  return top;
}

/** Replace one operator everywhere along its chain: `a || b || c` → `a && b && c`. */
function everywhere(node: Node, sink: MutationSink): void {
  const op = node.childForFieldName('operator')?.type;
  const swaps: Record<string, string> = { '||': '&&', '&&': '||', '==': '!=', '!=': '==', '===': '!==', '!==': '===' };
  if (!op || !swaps[op]) return;
  const top = chainTop(node);
  if (top !== node || top.parent?.type === 'binary_expression') return;
  const ops = [...walk(top)].filter((n) => n.type === op && n.parent?.type === 'binary_expression' && n.parent.childForFieldName('operator')?.equals(n));
  if (ops.length < 2) return;
  let text = '';
  let last = top.startIndex;
  for (const o of ops) {
    text += sink.source.slice(last, o.startIndex) + swaps[op];
    last = o.endIndex;
  }
  text += sink.source.slice(last, top.endIndex);
  sink.add(top, text, 'operator-everywhere', `replace every ${code(op)} with ${code(swaps[op])} in the condition on ${lineOf(top)}`, 'everywhere');
}

/** Drop trailing operands of a left-associative chain: `a * b * c * d` → `a * b`. */
function truncateChain(node: Node, sink: MutationSink): void {
  const op = node.childForFieldName('operator')?.type;
  if (!op || !['+', '-', '*', '/', '&&', '||'].includes(op) || node.parent?.type === 'binary_expression') return;
  let left = node.childForFieldName('left');
  let depth = 0;
  while (left?.type === 'binary_expression' && left.childForFieldName('operator')?.type === op) {
    if (++depth >= 1)
      sink.add(node, left.text, 'truncate-chain', `keep only ${code(left.text)} of ${code(node.text)} on ${lineOf(node)}`, {
        prior: 'truncate',
        plus: depth * 0.1,
      });
    left = left.childForFieldName('left');
  }
}

function literalsOf(fn: Node, type: 'number' | 'string'): string[] {
  return [...new Set([...walk(fn)].filter((n) => n.type === type).map((n) => n.text))];
}

/** A literal replaced by another literal of the same kind that the function already uses. */
function borrowLiteral(node: Node, fn: Node, sink: MutationSink, seen: Map<string, string[]>): void {
  const kind = node.type as 'number' | 'string';
  const key = `${kind}`;
  if (!seen.has(key)) seen.set(key, literalsOf(fn, kind));
  for (const other of seen.get(key)!) {
    if (other === node.text) continue;
    if (kind === 'number' && Math.abs(Number(other) - Number(node.text)) === 1) continue; // ±1 is proposed elsewhere
    const price = isLoopBound(node) ? ({ prior: 'loopLiteral', plus: 0.3 } as const) : 'contextLiteral';
    sink.add(node, other, 'literal-from-context', `use ${code(other)} instead of ${code(node.text)} on ${lineOf(node)}`, price);
  }
}

/** A string literal emptied: a separator or initial value that should have been empty. */
function emptyString(node: Node, sink: MutationSink): void {
  const quote = node.text[0];
  if (node.text.slice(1, -1) !== '')
    sink.add(node, `${quote}${quote}`, 'literal', `use an empty string instead of ${code(node.text)} on ${lineOf(node)}`, { prior: 'literal', plus: 0.2 });
}

/** Every `return true` / `return false` of the function flipped at once: an inverted predicate. */
function flipReturns(fn: Node, sink: MutationSink): void {
  const body = fn.childForFieldName('body');
  if (!body) return;
  const literals = [...walk(body)].filter(
    (n) => (n.type === 'true' || n.type === 'false') && n.parent?.type === 'return_statement' && ownFunction(n)?.equals(fn),
  );
  if (literals.length < 2 || !literals.some((n) => n.type === 'true') || !literals.some((n) => n.type === 'false')) return;
  let out = '';
  let last = fn.startIndex;
  for (const n of literals) {
    out += sink.source.slice(last, n.startIndex) + (n.type === 'true' ? 'false' : 'true');
    last = n.endIndex;
  }
  out += sink.source.slice(last, fn.endIndex);
  sink.replaceRange(
    fn.startIndex,
    fn.endIndex,
    fn.startPosition.row,
    out,
    'flip-returns',
    `swap every returned \`true\` and \`false\` in the function on ${lineOf(fn)}`,
    'flipReturns',
  );
}

function ownFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return undefined;
}

function swapBranches(node: Node, sink: MutationSink): void {
  const consequence = node.childForFieldName('consequence');
  const alternative = node.childForFieldName('alternative');
  const elseBody = alternative?.namedChildren.find((c) => c?.type !== 'comment');
  if (!consequence || !alternative || !elseBody || elseBody.type === 'if_statement') return;
  const text =
    sink.source.slice(node.startIndex, consequence.startIndex) +
    elseBody.text +
    sink.source.slice(consequence.endIndex, elseBody.startIndex) +
    consequence.text +
    sink.source.slice(elseBody.endIndex, node.endIndex);
  sink.add(node, text, 'branch-swap', `swap the then and else branches of the if on ${lineOf(node)}`, 'branchSwap');
}

function swapElements(node: Node, sink: MutationSink): void {
  const items = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  for (let i = 0; i + 1 < items.length; i++) {
    const [a, b] = [items[i], items[i + 1]];
    sink.replaceRange(
      a.startIndex,
      b.endIndex,
      a.startPosition.row,
      `${b.text}${sink.source.slice(a.endIndex, b.startIndex)}${a.text}`,
      'element-swap',
      `swap the elements ${code(a.text)} and ${code(b.text)} on ${lineOf(a)}`,
      'elementSwap',
    );
  }
}

function assignmentKind(node: Node, sink: MutationSink): void {
  const op = node.children.find((c) => c?.type === '=');
  const left = node.childForFieldName('left');
  if (!op || !left || left.type === 'object_pattern' || left.type === 'array_pattern') return;
  for (const other of ['+=', '-=', '*='])
    sink.add(op, other, 'assign-operator', `replace ${code('=')} with ${code(other)} on ${lineOf(op)}`, {
      prior: 'assignKind',
      plus: other === '+=' ? 0 : 0.2,
    });
}

/** `x` → `(x + 1)` / `(x - 1)` where x takes part in arithmetic or indexing: the missing ±1. */
function plusMinusOne(node: Node, sink: MutationSink): void {
  const parent = node.parent;
  if (!parent || !isUse(node)) return;
  const arithmetic =
    parent.type === 'binary_expression' && ['+', '-', '*', '/', '%', '<', '<=', '>', '>='].includes(parent.childForFieldName('operator')?.type ?? '');
  const index = parent.type === 'subscript_expression' && parent.childForFieldName('index')?.equals(node);
  if (!arithmetic && !index) return;
  for (const delta of ['+ 1', '- 1'])
    sink.add(node, `(${node.text} ${delta})`, 'plus-one', `use ${code(`${node.text} ${delta}`)} instead of ${code(node.text)} on ${lineOf(node)}`, 'plusOne');
}

/** `a.b(...).c(...)` → `a.b(...)`: a call too many at the end of a chain. */
function dropChainedCall(node: Node, sink: MutationSink): void {
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'member_expression') return;
  const object = callee.childForFieldName('object');
  if (!object || (object.type !== 'call_expression' && object.type !== 'member_expression')) return;
  if (node.parent?.type === 'expression_statement') return; // a statement call is kept for its effect
  sink.add(node, object.text, 'drop-call', `drop ${code('.' + (callee.childForFieldName('property')?.text ?? '') + '(…)')} on ${lineOf(node)}`, 'dropCall');
}

/** A returned variable replaced by a numeric literal the function already uses: a sentinel or default value returned in the wrong place. */
function returnLiteral(node: Node, fn: Node, sink: MutationSink): void {
  if (node.parent?.type !== 'return_statement') return;
  const literals = new Set(
    [...walk(fn)]
      .filter((n) => (n.type === 'number' && n.parent?.type !== 'unary_expression') || (n.type === 'unary_expression' && n.child(1)?.type === 'number'))
      .map((n) => n.text),
  );
  for (const literal of literals)
    sink.add(node, literal, 'return-literal', `return ${code(literal)} instead of ${code(node.text)} on ${lineOf(node)}`, {
      prior: 'contextLiteral',
      plus: 0.2,
    });
}

/** A property read used as a bound or an operand (`x < list.length`) replaced by a variable in scope: a bound taken from the wrong place. */
function memberToName(node: Node, sink: MutationSink): void {
  const parent = node.parent;
  if (parent?.type !== 'binary_expression' || node.parent?.parent?.type === 'call_expression') return;
  if (!['<', '<=', '>', '>=', '-', '+'].includes(parent.childForFieldName('operator')?.type ?? '')) return;
  for (const name of namesInScope(node, node.startIndex)) {
    if (node.text.startsWith(name + '.')) continue;
    sink.add(node, name, 'member-to-name', `use ${code(name)} instead of ${code(node.text)} on ${lineOf(node)}`, 'memberToName');
  }
}

export function contextMutations(region: Node, source: string, priors: MutationPriors): Mutation[] {
  const sink = new MutationSink(source, priors);
  // Keyed by node id: tree-sitter hands out a new wrapper object for the same node on every access.
  const literalCache = new Map<number, Map<string, string[]>>();
  for (const node of walk(region)) {
    const fn = ownFunction(node) ?? region;
    if (!literalCache.has(fn.id)) literalCache.set(fn.id, new Map());
    switch (node.type) {
      case 'binary_expression':
        everywhere(node, sink);
        truncateChain(node, sink);
        break;
      case 'number':
        borrowLiteral(node, fn, sink, literalCache.get(fn.id)!);
        break;
      case 'string':
        borrowLiteral(node, fn, sink, literalCache.get(fn.id)!);
        emptyString(node, sink);
        break;
      case 'if_statement':
        swapBranches(node, sink);
        break;
      case 'array':
        swapElements(node, sink);
        break;
      case 'assignment_expression':
        assignmentKind(node, sink);
        break;
      case 'identifier':
        plusMinusOne(node, sink);
        returnLiteral(node, fn, sink);
        break;
      case 'call_expression':
        dropChainedCall(node, sink);
        break;
      case 'member_expression':
        memberToName(node, sink);
        break;
      default:
        if (FUNCTION_TYPES.has(node.type)) flipReturns(node, sink);
    }
  }
  return sink.out;
}
