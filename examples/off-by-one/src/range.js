/** Integers from `start` to `end`, both included: range(1, 3) → [1, 2, 3]. */
function range(start, end) {
  const out = [];
  for (let i = start; i < end; i++) {
    out.push(i);
  }
  return out;
}

/** Page `page` (1-based) of `items`, `size` items per page. */
function page(items, pageNumber, size) {
  const first = (pageNumber - 1) * size;
  return items.slice(first, first + size);
}

module.exports = { range, page };
