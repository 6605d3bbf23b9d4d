/** A profile summary for `id`, read from an asynchronous store. */
async function loadProfile(store, id) {
  const user = store.get(id);
  return { id, name: user.name };
}

module.exports = { loadProfile };
