import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatHistory } from '../../../src/cli/format';
import { formatStats } from '../../../src/cli/report/stats';
import type { Candidate, HealRecord } from '../../../src/core/model';
import {
  decidedHeals,
  decisionRecord,
  decisionStats,
  MAX_SHIFT,
  operatorAdjustments,
  orderByDecisions,
  recordDecision,
} from '../../../src/core/record/decisions';
import { JsonlLedger } from '../../../src/core/record/ledger';
import { outcome } from '../../helpers/outcome';
import { tempDir } from '../../helpers/repo';

let clock = 0;
const tick = (): string => new Date(Date.UTC(2025, 0, 1, 0, 0, clock++)).toISOString();

/** An apply record for a mutation fix made by `operator`. */
function applied(id: string, operator: string, engine: HealRecord['engine'] = 'mutation'): HealRecord {
  const base = decisionRecord(outcome({ id, fix: { operator, engine } }), 'accepted', '/ws');
  return { ...base, id, kind: 'apply', decision: undefined, at: tick() };
}
const reverted = (of: HealRecord): HealRecord => ({ ...of, id: `r-${of.id}`, kind: 'revert', reverts: of.id, at: tick() });
const rejected = (id: string, operator: string): HealRecord => ({ ...decisionRecord(outcome({ id, fix: { operator } }), 'rejected', '/ws'), at: tick() });

const candidate = (id: string, operator: string, cost: number): Candidate => ({
  id,
  engine: 'mutation',
  operator,
  summary: id,
  edits: [],
  cost,
  editsTests: false,
});

describe('decisions', () => {
  it('takes the latest word on each heal: applied is accepted, a later revert wins', () => {
    const a = applied('h-a', 'binary-operator');
    const b = applied('h-b', 'literal');
    const decided = decidedHeals([a, b, reverted(b), rejected('h-c', 'negation')]);
    assert.deepEqual(
      decided.map((d) => [d.heal, d.verdict, d.operator]),
      [
        ['h-a', 'accepted', 'binary-operator'],
        ['h-b', 'reverted', 'literal'],
        ['h-c', 'rejected', 'negation'],
      ],
    );
  });

  it('records a rejection in the ledger as an additive record that history ignores', async () => {
    const ledger = new JsonlLedger(path.join(tempDir(), 'ledger.jsonl'));
    const a = applied('h-a', 'binary-operator');
    await ledger.append(a);
    const record = await recordDecision(ledger, outcome({ id: 'h-b' }), 'rejected', '/ws', 'closed the pull request');
    const read = await ledger.read();
    assert.equal(ledger.skipped, 0);
    assert.deepEqual(read[1].decision, { verdict: 'rejected', of: 'h-b', note: 'closed the pull request' });
    assert.equal(read[1].id, record.id);
    assert.match(record.id, /^d-[0-9a-f]{8}$/);
    assert.equal(formatHistory(read).trim().split('\n').length, 1, '`self-heal history` still lists applied heals only');
  });

  it('decides about the heal a record is about, whatever kind of record it is', () => {
    const a = applied('h-a', 'literal');
    assert.equal(decisionRecord(a, 'accepted', '/ws').decision?.of, 'h-a');
    assert.equal(decisionRecord(reverted(a), 'reverted', '/ws').decision?.of, 'h-a');
    assert.equal(decisionRecord(decisionRecord(a, 'rejected', '/ws'), 'accepted', '/ws').decision?.of, 'h-a');
  });

  it('refuses to record a decision on a heal that found no fix', () => {
    assert.throws(() => decisionRecord(outcome({ fix: false }), 'rejected', '/ws'), /no verified fix/);
  });

  it('reports the acceptance rate overall and per class, engine and operator', () => {
    const b = applied('h-b', 'literal');
    const records = [applied('h-a', 'binary-operator'), b, reverted(b), rejected('h-c', 'binary-operator'), applied('h-d', 'llm-patch', 'llm')];
    const stats = decisionStats(records);
    assert.deepEqual(stats.overall, { accepted: 2, rejected: 1, reverted: 1, decided: 4, rate: 0.5 });
    assert.deepEqual(
      stats.byEngine.map((t) => [t.key, t.decided]),
      [
        ['mutation', 3],
        ['llm', 1],
      ],
    );
    assert.deepEqual(
      stats.byOperator.map((t) => [t.key, t.accepted, t.rejected, t.reverted]),
      [
        ['binary-operator', 1, 1, 0],
        ['literal', 0, 0, 1],
      ],
      'only mutation operators, which are what the costs adjust',
    );
  });

  it('prints the stats as a table with the acceptance rate first', () => {
    const b = applied('h-b', 'literal');
    const text = formatStats(decisionStats([applied('h-a', 'binary-operator'), applied('h-e', 'binary-operator'), b, reverted(b)]));
    assert.match(text, /^Acceptance rate: 67% \(2 of 3 decided heals kept; 0 rejected, 1 reverted\)\n/);
    assert.ok(
      text.endsWith(
        [
          'mutation operator  accepted  rejected  reverted  rate',
          'binary-operator           2         0         0  100%  tried earlier (-0.25 cost)',
          'literal                   0         0         1    0%  tried later (+0.17 cost)',
          '',
        ].join('\n'),
      ),
      text,
    );
    assert.equal(formatStats(decisionStats([])), 'No decisions recorded yet: apply, revert or reject a heal and it counts here.\n');
  });
});

describe('operator cost adjustments', () => {
  it('lowers the cost of operators whose fixes were kept and raises it for those thrown away', () => {
    const b = applied('h-b', 'literal');
    const adjustments = operatorAdjustments([applied('h-a', 'binary-operator'), b, reverted(b), rejected('h-c', 'negation')]);
    assert.ok(adjustments.get('binary-operator')! < 0);
    assert.ok(adjustments.get('literal')! > 0);
    assert.ok(adjustments.get('negation')! > 0);
    assert.equal(adjustments.get('binary-operator'), -MAX_SHIFT / 3, 'one decision moves an operator by a third of the maximum');
  });

  it('never shifts a cost by more than MAX_SHIFT, however long the record', () => {
    const records = Array.from({ length: 200 }, (_, i) => applied(`h-${i}`, 'member'));
    const shift = operatorAdjustments(records).get('member')!;
    assert.ok(shift < 0 && shift > -MAX_SHIFT);
  });

  it('credits both parts of a two-edit fix, and ignores the LLM engine', () => {
    const adjustments = operatorAdjustments([applied('h-a', 'binary-operator+literal'), applied('h-b', 'llm-patch', 'llm')]);
    assert.deepEqual([...adjustments.keys()].sort(), ['binary-operator', 'literal']);
  });

  it('tries an accepted operator before an equally likely one next time, without changing the input', () => {
    const candidates = [candidate('a', 'literal', 1.2), candidate('b', 'member', 1.2), candidate('c', 'binary-operator', 1.1)];
    const ordered = orderByDecisions(candidates, operatorAdjustments([applied('h-a', 'member'), rejected('h-b', 'binary-operator')]));
    assert.deepEqual(
      ordered.map((c) => c.id),
      ['b', 'a', 'c'],
    );
    assert.deepEqual(
      candidates.map((c) => c.cost),
      [1.2, 1.2, 1.1],
    );
    assert.equal(orderByDecisions(candidates, new Map()), candidates, 'no decisions: the same order');
  });
});
