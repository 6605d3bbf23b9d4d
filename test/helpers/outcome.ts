/**
 * Heal outcomes as the core returns them, built by hand so that reports and policy decisions
 * can be checked against fixed text. The values are those of a real run on examples/off-by-one.
 */
import type { HealOutcome } from '../../src/core/api';
import { unifiedDiff } from '../../src/core/heal';
import type { Candidate, Evidence, FailureClass } from '../../src/core/model';

export const RANGE_BEFORE = `/** Integers from \`start\` to \`end\`, both included: range(1, 3) → [1, 2, 3]. */
function range(start, end) {
  const out = [];
  for (let i = start; i < end; i++) {
    out.push(i);
  }
  return out;
}

module.exports = { range };
`;

const at = RANGE_BEFORE.indexOf('i < end') + 2;

export interface OutcomeShape {
  id?: string;
  class?: FailureClass;
  fix?: false | Partial<Candidate>;
  evidence?: Partial<Evidence>;
  files?: Record<string, [string, string]>;
  reason?: string;
}

/** The off-by-one heal (a verified `<` → `<=`), or variations of it. */
export function outcome(shape: OutcomeShape = {}): HealOutcome {
  const candidate: Candidate = {
    id: 'm1',
    engine: 'mutation',
    operator: 'binary-operator',
    summary: 'replace `<` with `<=` on line 4',
    edits: [{ file: 'src/range.js', start: at, end: at + 1, newText: '<=' }],
    cost: 1.1,
    editsTests: false,
    ...(shape.fix || {}),
  };
  const files = shape.files ?? { 'src/range.js': [RANGE_BEFORE, RANGE_BEFORE.replace('i < end', 'i <= end')] };
  const before = Object.fromEntries(Object.entries(files).map(([f, [b]]) => [f, b]));
  const after = Object.fromEntries(Object.entries(files).map(([f, [, a]]) => [f, a]));
  const evidence: Evidence = { targeted: { passed: 1, total: 1 }, suite: { passed: 3, total: 3, newlyFailing: [] }, ...shape.evidence };
  return {
    id: shape.id ?? 'h-0ff0b1e0',
    failures: [
      {
        id: 'range includes both ends',
        name: 'range includes both ends',
        file: 'test/range.test.js',
        line: 5,
        message: 'Expected values to be strictly deep-equal:\n+ actual - expected\n\n  [\n    1,\n    2,\n-   3\n  ]',
        expected: '[1, 2, 3]',
        actual: '[1, 2]',
        stack: [],
        source: 'test-run',
        runner: 'node',
      },
    ],
    diagnosis: {
      failures: [],
      class: shape.class ?? 'code-bug',
      evidence: ['assertion failed: expected [1, 2, 3], got [1, 2]'],
      locations: [{ file: 'src/range.js', start: 80, end: 180, line: 1, score: 0.9, why: 'called by the failing test (range)' }],
    },
    fix: shape.fix === false ? undefined : { candidate, evidence, diff: unifiedDiff(before, after), before, after },
    reason:
      shape.fix === false ? (shape.reason ?? 'No verified fix among 12 candidate(s): none made the failing test(s) pass without breaking another.') : undefined,
    tried: [],
    candidatesTried: shape.fix === false ? 12 : 1,
    testRuns: shape.fix === false ? 3 : 1,
    ms: 1800,
  };
}
