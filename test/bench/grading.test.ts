/** The grader's value handling (bench/grading/values.ts): equality, encoding and neighbours. */
import assert from 'node:assert';
import { describe, it } from 'node:test';
import { decode, encode, inputsFrom, neighbours, sameValue } from '../../bench/grading/values';

describe('grading values', () => {
  it('treats NaN as equal to NaN and floats within 1e-9 as equal', () => {
    assert.ok(sameValue(encode(NaN), encode(NaN)));
    assert.ok(sameValue(encode([0.1 + 0.2]), encode([0.3])));
    assert.ok(!sameValue(encode(0.3), encode(0.3001)));
    assert.ok(!sameValue(encode([1, 2]), encode([1, 2, 3])));
    assert.ok(!sameValue(encode(undefined), encode(null)));
  });

  it('compares objects regardless of key order and sets regardless of element order', () => {
    assert.ok(sameValue(encode({ a: 1, b: [2] }), encode({ b: [2], a: 1 })));
    assert.ok(sameValue(encode(new Set([1, 2])), encode(new Set([2, 1]))));
    assert.ok(!sameValue(encode({ a: 1 }), encode({ a: 1, b: 2 })));
  });

  it('round-trips what JSON loses', () => {
    const value = [NaN, Infinity, -Infinity, undefined, { k: 'v' }];
    assert.deepStrictEqual(decode(encode(value)), value);
  });

  it('generates neighbours by type: numbers ±1, 0 and negated, strings edited, lists shortened', () => {
    assert.deepStrictEqual(neighbours(5), [6, 4, 0, -5]);
    assert.ok(neighbours('Ab').includes('') && neighbours('Ab').includes('aB'));
    const lists = neighbours([1, 2, 3]) as number[][];
    assert.ok(lists.some((l) => l.length === 0) && lists.some((l) => l.join() === '3,2,1') && lists.some((l) => l.join() === '2,2,3'));
  });

  it('keeps the recorded inputs first, deduplicates and respects the cap', () => {
    const recorded = [[encode(1)], [encode(1)], [encode(2)]];
    const inputs = inputsFrom(recorded, 5);
    assert.deepStrictEqual(inputs.slice(0, 2), [[1], [2]]);
    assert.strictEqual(inputs.length, 5);
    assert.strictEqual(new Set(inputs.map((i) => JSON.stringify(i))).size, 5);
  });
});
