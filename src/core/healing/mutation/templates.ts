/**
 * Insertion templates for "missing logic" bugs, which no replacement or deletion can fix
 * (0 of 16 in our first prototype), and token repairs for code that does not parse. Each template
 * adds a small, common piece of code that programmers forget: an absolute value, a case
 * normalisation, a halving, a skipped first element. They are tried after cheaper replacements.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { COST, MutationSink, type Mutation } from './operators';

const code = (text: string): string => '`' + (text.length > 40 ? text.slice(0, 37) + '…' : text) + '`';

/** Tokens most often dropped or doubled by a typing slip. */
const REPAIR_TOKENS = ['+', ',', ';', ')', '(', ']', '}'];

function syntaxRepairs(node: Node, sink: MutationSink): void {
  const at = `line ${node.startPosition.row + 1}`;
  if (node.isMissing) {
    // tree-sitter names the token it expected: insert exactly that.
    sink.replaceRange(node.startIndex, node.startIndex, node.startPosition.row, node.type, 'syntax-repair', `insert the missing ${code(node.type)} on ${at}`, COST.hinted);
    return;
  }
  if (!node.isError) return;
  sink.add(node, '', 'syntax-repair', `delete the unparsable ${code(node.text)} on ${at}`, COST.hinted + 0.3);
  const firstChild = node.child(0);
  const points = new Set([node.startIndex, ...(firstChild ? [firstChild.endIndex] : [])]);
  for (const point of points) {
    for (const token of REPAIR_TOKENS) {
      sink.replaceRange(point, point, node.startPosition.row, ` ${token} `, 'syntax-repair', `insert ${code(token)} on ${at}`, COST.hinted + 0.2);
    }
  }
}

export function templateMutations(region: Node, source: string): Mutation[] {
  const sink = new MutationSink(source);
  for (const node of walk(region)) {
    const at = `line ${node.startPosition.row + 1}`;
    if (node.isError || node.isMissing) syntaxRepairs(node, sink);
    const parent = node.parent;
    if (node.type === 'binary_expression') {
      const op = node.childForFieldName('operator')?.type;
      if (op === '-') sink.add(node, `Math.abs(${node.text})`, 'template-abs', `take the absolute value of ${code(node.text)} on ${at}`, COST.template);
      // `(a + b + c)` → `(a + b + c) / 2`: a forgotten halving (mean, semi-perimeter, midpoint).
      if ((op === '+' || op === '-') && parent?.type === 'parenthesized_expression' && parent.parent?.type !== 'binary_expression') {
        sink.add(parent, `${parent.text} / 2`, 'template-halve', `halve ${code(parent.text)} on ${at}`, COST.template);
      }
      if ((op === '+' || op === '-') && parent?.type === 'parenthesized_expression') {
        for (const delta of ['+ 1', '- 1']) sink.add(node, `${node.text} ${delta}`, 'plus-one', `use ${code(`${node.text} ${delta}`)} on ${at}`, COST.plusOne + 0.1);
      }
    }
    // A string compared or counted without normalising its case.
    if (node.type === 'identifier' && parent?.type === 'arguments' && parent.parent?.type === 'new_expression') {
      sink.add(node, `${node.text}.toLowerCase()`, 'template-lowercase', `compare ${code(node.text)} case-insensitively on ${at}`, COST.template);
    }
    // A returned sequence that should skip its first element.
    if (node.type === 'call_expression' && parent?.type === 'return_statement' && /\.(map|filter|split|slice|concat)$/.test(node.childForFieldName('function')?.text ?? '')) {
      sink.add(node, `${node.text}.slice(1)`, 'template-skip-first', `drop the first element of ${code(node.text)} on ${at}`, COST.template);
    }
  }
  return sink.out;
}
