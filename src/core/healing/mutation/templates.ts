/**
 * Insertion templates for "missing logic" bugs, which no replacement or deletion can fix, and
 * token repairs for code that does not parse. A template adds a small piece of code that is
 * commonly forgotten wherever its shape occurs (the magnitude of a difference, a ±1 on a grouped
 * sum); a template that would only fit one program's bug does not belong here.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { MutationSink, type Mutation } from './sink';
import type { MutationPriors } from './priors';

const code = (text: string): string => '`' + (text.length > 40 ? text.slice(0, 37) + '…' : text) + '`';

/** Tokens most often dropped or doubled by a typing slip. */
const REPAIR_TOKENS = ['+', ',', ';', ')', '(', ']', '}'];

function syntaxRepairs(node: Node, sink: MutationSink): void {
  const at = `line ${node.startPosition.row + 1}`;
  if (node.isMissing) {
    // tree-sitter names the token it expected: insert exactly that.
    sink.replaceRange(node.startIndex, node.startIndex, node.startPosition.row, node.type, 'syntax-repair', `insert the missing ${code(node.type)} on ${at}`, {
      prior: 'template',
      hinted: true,
    });
    return;
  }
  if (!node.isError) return;
  sink.add(node, '', 'syntax-repair', `delete the unparsable ${code(node.text)} on ${at}`, { prior: 'template', plus: 0.3, hinted: true });
  const firstChild = node.child(0);
  const points = new Set([node.startIndex, ...(firstChild ? [firstChild.endIndex] : [])]);
  for (const point of points) {
    for (const token of REPAIR_TOKENS) {
      sink.replaceRange(point, point, node.startPosition.row, ` ${token} `, 'syntax-repair', `insert ${code(token)} on ${at}`, {
        prior: 'template',
        plus: 0.2,
        hinted: true,
      });
    }
  }
}

export function templateMutations(region: Node, source: string, priors: MutationPriors): Mutation[] {
  const sink = new MutationSink(source, priors);
  for (const node of walk(region)) {
    const at = `line ${node.startPosition.row + 1}`;
    if (node.isError || node.isMissing) syntaxRepairs(node, sink);
    const parent = node.parent;
    if (node.type === 'binary_expression') {
      const op = node.childForFieldName('operator')?.type;
      if (op === '-') sink.add(node, `Math.abs(${node.text})`, 'template-abs', `take the absolute value of ${code(node.text)} on ${at}`, 'template');
      // An off-by-one on a grouped sum or difference, which plusOne (one name at a time) cannot reach.
      if ((op === '+' || op === '-') && parent?.type === 'parenthesized_expression') {
        for (const delta of ['+ 1', '- 1'])
          sink.add(node, `${node.text} ${delta}`, 'plus-one', `use ${code(`${node.text} ${delta}`)} on ${at}`, { prior: 'plusOne', plus: 0.1 });
      }
    }
  }
  return sink.out;
}
