const test = require('node:test');
const assert = require('node:assert');
const { mean } = require('../src/stats');

test('mean of integers', () => {
  assert.strictEqual(mean([1, 2, 3]), 2);
});

test('mean of decimals', () => {
  assert.strictEqual(mean([0.1, 0.2]), 0.15);
});
