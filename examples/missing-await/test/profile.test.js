const test = require('node:test');
const assert = require('node:assert');
const { loadProfile } = require('../src/profile');

const store = {
  async get(id) {
    return { id, name: id === 1 ? 'Ann' : 'Bo' };
  },
};

test('loadProfile returns the stored name', async () => {
  assert.deepStrictEqual(await loadProfile(store, 1), { id: 1, name: 'Ann' });
});

test('loadProfile keeps the id', async () => {
  assert.strictEqual((await loadProfile(store, 2)).id, 2);
});
