/**
 * What every operator writes its edits into: one priced Mutation per proposed edit. Its own module
 * so that the operator families (operators, contextual, templates) share it without importing each
 * other in a circle.
 */
import type { Node } from '../../analysis/treeSitter';
import { HINTED_COST, type MutationPriors, type PriorKey, DEFAULT_PRIORS } from './priors';

export interface Mutation {
  start: number;
  end: number;
  text: string;
  operator: string;
  summary: string;
  cost: number;
  /** The kind of edit whose prior priced it (what the benchmark's fitting counts). */
  prior: PriorKey;
  /** 0-based line of the edit, for summaries and location weighting. */
  line: number;
}

/** How an edit is priced: its kind's prior plus an adjustment, or the failure's evidence (HINTED_COST) instead of the prior. */
export interface Price {
  prior: PriorKey;
  plus?: number;
  hinted?: boolean;
}

export class MutationSink {
  readonly out: Mutation[] = [];
  constructor(
    readonly source: string,
    readonly priors: MutationPriors = DEFAULT_PRIORS,
  ) {}

  add(
    node: { startIndex: number; endIndex: number; startPosition: { row: number } },
    text: string,
    operator: string,
    summary: string,
    price: Price | PriorKey,
  ): void {
    if (this.source.slice(node.startIndex, node.endIndex) === text) return;
    const { prior, plus = 0, hinted = false } = typeof price === 'string' ? { prior: price } : price;
    const cost = (hinted ? HINTED_COST : this.priors[prior]) + plus;
    this.out.push({ start: node.startIndex, end: node.endIndex, text, operator, summary, cost, prior, line: node.startPosition.row });
  }

  replaceRange(start: number, end: number, row: number, text: string, operator: string, summary: string, price: Price | PriorKey): void {
    this.add({ startIndex: start, endIndex: end, startPosition: { row } }, text, operator, summary, price);
  }
}

/** Whether `node` is part of a for loop's initializer or condition: where off-by-one slips live. */
export function isLoopBound(node: Node): boolean {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'for_statement') {
      const init = n.childForFieldName('initializer');
      const condition = n.childForFieldName('condition');
      return (
        !!(init && init.startIndex <= node.startIndex && node.endIndex <= init.endIndex) ||
        !!(condition && condition.startIndex <= node.startIndex && node.endIndex <= condition.endIndex)
      );
    }
    if (n.type.endsWith('statement') || n.type === 'statement_block') return false;
  }
  return false;
}
