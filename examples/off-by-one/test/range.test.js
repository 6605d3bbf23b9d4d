const test = require('node:test');
const assert = require('node:assert');
const { range, page } = require('../src/range');

test('range includes both ends', () => {
  assert.deepStrictEqual(range(1, 3), [1, 2, 3]);
  assert.deepStrictEqual(range(5, 5), [5]);
});

test('range of an empty interval is empty', () => {
  assert.deepStrictEqual(range(3, 1), []);
});

test('page returns the requested slice', () => {
  assert.deepStrictEqual(page([1, 2, 3, 4, 5], 2, 2), [3, 4]);
});
