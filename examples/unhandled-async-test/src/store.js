/** A tiny asynchronous key-value store. */
function createStore() {
  const data = new Map();
  return {
    async set(key, value) {
      data.set(key, value);
    },
    async get(key) {
      return data.get(key);
    },
  };
}

module.exports = { createStore };
