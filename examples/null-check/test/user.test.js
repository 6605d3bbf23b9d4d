const test = require('node:test');
const assert = require('node:assert');
const { cityOf, displayName } = require('../src/user');

test('cityOf reads the city of an address', () => {
  assert.strictEqual(cityOf({ address: { city: 'Oslo' } }), 'Oslo');
});

test('cityOf is undefined for a user without an address', () => {
  assert.strictEqual(cityOf({ first: 'Ann' }), undefined);
});

test('displayName joins first and last name', () => {
  assert.strictEqual(displayName({ first: 'Ann', last: 'Lee' }), 'Ann Lee');
});
