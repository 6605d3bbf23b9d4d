import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { atBoundaries, codeNumbers, elementNeighbours, neighbours, probesIn } from '../../../../src/core/healing/ranking/probes';

const TESTS = `const test = require('node:test');
const assert = require('node:assert');
const { page } = require('../src/page');
test('first page', () => {
  assert.deepStrictEqual(page([1, 2, 3, 4], 0, 2), [1, 2]);
});
test('named', () => {
  assert.equal(m.label({ name: 'a', tags: ['x'] }, "b)"), 'a');
  const n = 3;
  assert.equal(page(items, n, 1), []);
});
`;

describe('probe inputs', () => {
  it('takes the literal-argument calls of the tests, marked by whether their test fails', () => {
    assert.deepEqual(probesIn(TESTS, ['first page']), [
      { fn: 'page', args: '[1, 2, 3, 4], 0, 2', failing: true },
      { fn: 'label', args: `{ name: 'a', tags: ['x'] }, "b)"`, failing: false },
    ]);
  });

  it('leaves out calls with variables, and the assertions themselves', () => {
    const fns = probesIn(TESTS, []).map((p) => p.fn);
    assert.ok(!fns.includes('deepStrictEqual') && !fns.includes('equal') && !fns.includes('require'));
    assert.equal(fns.filter((f) => f === 'page').length, 1, 'page(items, n, 1) uses variables');
  });

  it('makes neighbours one argument at a time: numbers ±1, strings and arrays shorter and longer, booleans flipped', () => {
    assert.deepEqual(neighbours([[1, 2], 'ab', 3, true]), [
      [[1], 'ab', 3, true],
      [[1, 2, 2], 'ab', 3, true],
      [[1, 2], 'a', 3, true],
      [[1, 2], 'abb', 3, true],
      [[1, 2], 'ab', 2, true],
      [[1, 2], 'ab', 4, true],
      [[1, 2], 'ab', 3, false],
    ]);
    assert.deepEqual(neighbours([[], '']), [
      [[0], ''],
      [[], 'a'],
    ]);
  });
});

describe('probe inputs inside arrays', () => {
  it('varies each number of an array argument ±1, one element at a time, leaving other arguments alone', () => {
    assert.deepEqual(elementNeighbours([[1, 'a', 3], 7]), [
      [[0, 'a', 3], 7],
      [[2, 'a', 3], 7],
      [[1, 'a', 2], 7],
      [[1, 'a', 4], 7],
    ]);
    assert.deepEqual(elementNeighbours([5, 'x']), [], 'no arrays, nothing to vary');
  });

  it('varies only the first elements of a long array', () => {
    const long = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(elementNeighbours([long]).length, 16);
  });
});

describe("probe inputs at the code's own boundaries", () => {
  it('reads the numbers the code uses, not those in its comments or strings', () => {
    assert.deepEqual(codeNumbers("// up to 3 items\nconst fee = (amount) => (amount > 100 ? 5 : 0);\nconst label = 'over 42';\n"), [100, 5, 0]);
  });

  it('sets each numeric argument to each boundary and its neighbours, leaving the others alone', () => {
    assert.deepEqual(atBoundaries([50, 'x'], [100]), [
      [99, 'x'],
      [100, 'x'],
      [101, 'x'],
    ]);
    assert.deepEqual(atBoundaries(['x'], [100]), []);
  });
});
