/** The grader (bench/grading): value handling (equality, encoding, neighbours) and the verdict. */
import assert from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compareBehaviour } from '../../bench/grading/grade';
import { decode, encode, inputsFrom, neighbours, sameValue } from '../../bench/grading/values';

const ROOT = path.resolve(__dirname, '..', '..');
const moduleOf = (body: string): string => `function f(a) {\n${body}\n}\nmodule.exports = { f };\n`;

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

  it('tells two different functions apart, and a function from itself', () => {
    const double = (x: number): number => x * 2;
    const triple = (x: number): number => x * 3;
    assert.ok(!sameValue(encode(double), encode(triple)));
    assert.ok(!sameValue(encode([double]), encode([triple])));
    assert.ok(sameValue(encode(double), encode(double)));
    assert.ok(!sameValue(encode(Symbol('a')), encode(Symbol('b'))));
  });

  it('reaches inputs two steps from the recorded ones only in the deeper search', () => {
    const recorded = [[encode(5), encode('ab')]];
    const shallow = inputsFrom(recorded, 1000);
    const deep = inputsFrom(recorded, 1000, 1000);
    const has = (inputs: unknown[][], args: unknown[]): boolean => inputs.some((i) => JSON.stringify(i) === JSON.stringify(args));
    assert.ok(has(shallow, [6, 'ab']) && !has(shallow, [7, 'ab']) && !has(shallow, [6, '']));
    assert.ok(has(deep, [7, 'ab']), 'one argument varied twice');
    assert.ok(has(deep, [6, '']), 'two arguments varied once each');
    assert.deepStrictEqual(deep.slice(0, shallow.length), shallow, 'the shallow inputs still come first');
  });

  it('respects the deeper cap on top of the first cap', () => {
    const recorded = [[encode(5), encode('ab')]];
    assert.strictEqual(inputsFrom(recorded, 3, 4).length, 7);
  });
});

describe('grading verdict', () => {
  const driver = 'for (const x of [5, 10]) f(x);';

  it('finds a wrong fix that differs only two steps away from the tested inputs', async () => {
    const grade = await compareBehaviour({
      reference: moduleOf('return a;'),
      candidate: moduleOf('return a === 7 ? 0 : a;'),
      entries: ['f'],
      driver,
      requireFrom: ROOT,
    });
    assert.strictEqual(grade.correct, false);
    assert.strictEqual(grade.mismatches > 0, true);
    assert.deepStrictEqual(grade.firstMismatch?.args, [7]);
  });

  it('does not count a comparison cut short by its budget as correct, but as unknown', async () => {
    // Every call spins for 40 ms, so a 100 ms budget ends the comparison after a few inputs.
    const slow = moduleOf('const until = Date.now() + 40; while (Date.now() < until); return a;');
    const grade = await compareBehaviour({ reference: slow, candidate: slow, entries: ['f'], driver, requireFrom: ROOT, budgetMs: 100, callTimeoutMs: 1000 });
    assert.strictEqual(grade.truncated, true);
    assert.strictEqual(grade.mismatches, 0);
    assert.strictEqual(grade.correct, false);
    assert.strictEqual(grade.unknown, true);
  });

  it('counts an identical fix that was fully compared as correct and known', async () => {
    const grade = await compareBehaviour({
      reference: moduleOf('return a + 1;'),
      candidate: moduleOf('return 1 + a;'),
      entries: ['f'],
      driver,
      requireFrom: ROOT,
    });
    assert.strictEqual(grade.correct, true);
    assert.strictEqual(grade.unknown, false);
    assert.ok(grade.compared > 2);
  });
});
