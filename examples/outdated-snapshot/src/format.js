/** A receipt line; the currency now goes after the amount, as the design team asked. */
function receiptLine(name, amount) {
  return `${name.padEnd(10)} ${amount.toFixed(2)} EUR`;
}

module.exports = { receiptLine };
