/**
 * The offline engine's tunable parameters, in one place so they can be fitted from data and
 * checked on data they were not fitted on. Each kind of edit has a base cost, and lower costs are
 * tried first. The location's suspicion and small adjustments within a kind are added to it
 * (operators.ts). The search offers the first candidate that the tests verify, so this order
 * decides both how fast a fix comes and which of several plausible fixes is offered.
 */
export const PRIOR_KEYS = [
  'boundary', // `<` ↔ `<=`, `>` ↔ `>=`
  'operator', // another operator of the same family (`+` → `-`, `&&` → `||`)
  'crossComparison', // an (in)equality test turned into an ordering (`==` → `<`)
  'negatedComparison', // a loop condition replaced by its negation (`i > n` → `i <= n`)
  'intoEquality', // an ordering turned into an (in)equality (`<` → `!==`)
  'member', // an often-confused method or property (`floor` → `ceil`)
  'callee', // an often-confused global function (`parseInt` → `parseFloat`)
  'operandDrop', // one operand of a binary expression dropped
  'negation', // a `!` or unary minus removed, or a condition negated
  'identifier', // a variable replaced by another in scope
  'returnVariable', // the returned variable replaced by another in scope
  'literal', // an integer changed by one, to 0/1 or negated; a string emptied
  'loopLiteral', // the same, for a literal in a loop's initializer or condition
  'boolean', // `true` ↔ `false`
  'ternarySwap', // the branches of `c ? a : b` swapped
  'argSwap', // two neighbouring arguments, or the operands of `-`, `/`, `%`, `**`, swapped
  'optionalChain', // `a.b` → `a?.b`
  'await', // a call awaited in an async function
  'coercion', // an operand of `+` converted with Number(…)
  'update', // `++` ↔ `--`
  'deleteStatement', // one statement deleted
  'template', // an inserted missing piece: the absolute value of a difference
  'contextLiteral', // a literal replaced by another the same function uses; a returned sentinel
  'everywhere', // one operator replaced along its whole chain (`a || b || c` → `a && b && c`)
  'flipReturns', // every returned `true`/`false` of a predicate flipped together
  'branchSwap', // the then and else branches of an if swapped
  'elementSwap', // two neighbouring array elements swapped
  'assignKind', // `=` → `+=`, `-=`, `*=`
  'plusOne', // a missing `+ 1` / `- 1` on a value used in arithmetic or as an index
  'dropCall', // the last call of a method chain dropped
  'truncate', // trailing operands of a chain dropped (`a * b * c` → `a * b`)
  'memberToName', // a property read in a bound or sum replaced by a variable in scope
] as const;

export type PriorKey = (typeof PRIOR_KEYS)[number];
export type MutationPriors = Readonly<Record<PriorKey, number>>;

/**
 * Evidence in the failure output (a property read of undefined, a name that is not defined, a
 * Promise where a value was expected, an unparsable file) outranks every prior.
 */
export const HINTED_COST = 0.4;

/**
 * The shipped priors: set by hand from the repair literature and the prototype's lessons, not
 * from any one program: a boundary or same-family operator swap first (the commonest single-token
 * slips, Pan et al.; ManySStuBs4J), a returned or loop-bound value next, literal tweaks later (a
 * literal that happens to satisfy the tests is the main source of overfitting), insertions and
 * deletions last. A table fitted from a set of bugs follows that set's mix of bug patterns: where
 * boundary slips are rare it ranks the commonest real-world slip behind `x + 1` edits, so the
 * hand-set table stays the default and fitted ones are passed in through HealOptions.mutationPriors.
 */
export const DEFAULT_PRIORS: MutationPriors = {
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
};
