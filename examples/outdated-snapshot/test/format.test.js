const { receiptLine } = require('../src/format');

test('receipt line layout', () => {
  expect(receiptLine('Coffee', 3.5)).toMatchSnapshot();
});
