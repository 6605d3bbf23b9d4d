/**
 * Insertion templates for "missing logic" bugs, which no replacement or deletion can fix
 * (0 of 16 in our first prototype). Each template adds a small, common piece of code that
 * programmers forget: an absolute value, a null guard, a loop bound. They are tried after the
 * cheaper replacements.
 */
import type { Node } from '../../analysis/treeSitter';
import { walk } from '../../analysis/treeSitter';
import { COST, MutationSink, type Mutation } from './operators';

export function templateMutations(region: Node, source: string): Mutation[] {
  const sink = new MutationSink(source);
  for (const node of walk(region)) {
    const at = `line ${node.startPosition.row + 1}`;
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.type === '-') {
      sink.add(node, `Math.abs(${node.text})`, 'template-abs', `take the absolute value of ${node.text} on ${at}`, COST.template);
    }
  }
  return sink.out;
}
