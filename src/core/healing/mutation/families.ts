/**
 * Which tokens are plausible substitutes for each other. Real bugs replace an operator by a
 * sibling of the same family far more often than by a stranger (Pan et al., "Toward an
 * understanding of bug fix patterns"), so the engine only proposes swaps within these lists.
 */

export const BINARY_FAMILIES: string[][] = [
  ['+', '-', '*', '/', '%', '**'],
  ['<', '<=', '>', '>=', '===', '!==', '==', '!='],
  ['==', '!=', '===', '!=='],
  ['&&', '||', '??'],
  ['&', '|', '^'],
  ['<<', '>>', '>>>'],
];

export const ASSIGN_FAMILIES: string[][] = [
  ['+=', '-=', '*=', '/=', '%=', '='],
  ['&&=', '||=', '??='],
];

/** The boundary pairs: an off-by-one in a comparison is the single most common bug class. */
export const BOUNDARY: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };

/** Often-confused member names, both directions. */
export const MEMBER_SWAPS: string[][] = [
  ['slice', 'substring', 'substr'],
  ['floor', 'ceil', 'round', 'trunc'],
  ['indexOf', 'lastIndexOf', 'includes'],
  ['min', 'max'],
  ['push', 'unshift'],
  ['pop', 'shift'],
  ['some', 'every'],
  ['toUpperCase', 'toLowerCase'],
  ['startsWith', 'endsWith'],
  ['find', 'filter', 'findIndex'],
  ['find', 'findLast'],
  ['findIndex', 'findLastIndex'],
  ['keys', 'values', 'entries'],
  ['reduce', 'reduceRight'],
  ['trim', 'trimStart', 'trimEnd'],
  ['padStart', 'padEnd'],
  ['map', 'forEach', 'flatMap'],
  ['concat', 'push'],
  ['sort', 'reverse'],
  ['charAt', 'charCodeAt', 'at'],
  ['isInteger', 'isFinite', 'isNaN'],
  ['parseInt', 'parseFloat', 'Number'],
  ['add', 'delete', 'has'],
  ['get', 'has'],
  ['assign', 'freeze'],
  ['log', 'log2', 'log10'],
  ['sin', 'cos', 'tan'],
];

/** Global functions that are often confused with each other, swapped as callees. */
export const CALLEE_SWAPS: string[][] = [
  ['parseInt', 'parseFloat', 'Number'],
  ['String', 'Number'],
  ['setTimeout', 'setImmediate'],
];

export function siblings(families: string[][], token: string): string[] {
  const out = new Set<string>();
  for (const family of families) if (family.includes(token)) for (const t of family) if (t !== token) out.add(t);
  return [...out];
}
