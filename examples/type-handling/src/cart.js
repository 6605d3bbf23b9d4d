/** Total price of the cart. Prices come from form fields, so they may be strings like "1.50". */
function total(items) {
  return items.reduce((sum, item) => sum + item.price, 0);
}

function count(items) {
  return items.length;
}

module.exports = { total, count };
