const test = require('node:test');
const assert = require('node:assert');
const { createStore } = require('../src/store');

test('get returns what set stored', () => {
  const store = createStore();
  store.set('a', 1).then(() => store.get('a')).then((value) => {
    assert.strictEqual(value, 2);
  });
});
