const test = require('node:test');
const assert = require('node:assert');
const { total, count } = require('../src/cart');

test('total adds numeric prices', () => {
  assert.strictEqual(total([{ price: 2 }, { price: 3 }]), 5);
});

test('total adds prices given as strings', () => {
  assert.strictEqual(total([{ price: '1.50' }, { price: '2' }]), 3.5);
});

test('count counts items', () => {
  assert.strictEqual(count([{ price: 1 }]), 1);
});
