const test = require('node:test');
const assert = require('node:assert');
const lib = require('../src/lib');

test('clamp keeps a value inside the interval', () => {
  assert.strictEqual(lib.clamp(5, 0, 10), 5);
  assert.strictEqual(lib.clamp(-3, 0, 10), 0);
  assert.strictEqual(lib.clamp(12, 0, 10), 10);
  assert.strictEqual(lib.clamp(0, 0, 10), 0);
  assert.strictEqual(lib.clamp(10, 0, 10), 10);
});

test('range counts up to the end, excluded', () => {
  assert.deepStrictEqual(lib.range(0, 4), [0, 1, 2, 3]);
  assert.deepStrictEqual(lib.range(2, 9, 3), [2, 5, 8]);
  assert.deepStrictEqual(lib.range(3, 3), []);
  assert.deepStrictEqual(lib.range(5, 1), []);
});

test('mean averages a list', () => {
  assert.strictEqual(lib.mean([1, 2, 3, 6]), 3);
  assert.strictEqual(lib.mean([5]), 5);
  assert.strictEqual(lib.mean([]), 0);
  assert.strictEqual(lib.mean([-2, 2, 3]), 1);
});

test('median takes the middle value', () => {
  assert.strictEqual(lib.median([3, 1, 2]), 2);
  assert.strictEqual(lib.median([4, 1, 3, 2]), 2.5);
  assert.strictEqual(lib.median([10, 2, 38, 23, 38]), 23);
  assert.strictEqual(lib.median([7]), 7);
});

test('capitalize upper-cases the first letter only', () => {
  assert.strictEqual(lib.capitalize('hello'), 'Hello');
  assert.strictEqual(lib.capitalize('wORLD'), 'World');
  assert.strictEqual(lib.capitalize(''), '');
  assert.strictEqual(lib.capitalize('a'), 'A');
});

test('countVowels counts vowels in either case', () => {
  assert.strictEqual(lib.countVowels('Education'), 5);
  assert.strictEqual(lib.countVowels('rhythm'), 0);
  assert.strictEqual(lib.countVowels('AEIOU aeiou'), 10);
  assert.strictEqual(lib.countVowels(''), 0);
});

test('isPalindrome ignores case and punctuation', () => {
  assert.strictEqual(lib.isPalindrome('A man, a plan, a canal: Panama'), true);
  assert.strictEqual(lib.isPalindrome('racecar'), true);
  assert.strictEqual(lib.isPalindrome('abca'), false);
  assert.strictEqual(lib.isPalindrome('ab'), false);
  assert.strictEqual(lib.isPalindrome(''), true);
  assert.strictEqual(lib.isPalindrome('12321'), true);
});

test('chunk cuts a list into pieces of a size', () => {
  assert.deepStrictEqual(lib.chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepStrictEqual(lib.chunk([1, 2, 3], 3), [[1, 2, 3]]);
  assert.deepStrictEqual(lib.chunk([], 2), []);
  assert.deepStrictEqual(lib.chunk([1, 2, 3], 1), [[1], [2], [3]]);
});

test('gcd finds the greatest common divisor', () => {
  assert.strictEqual(lib.gcd(12, 18), 6);
  assert.strictEqual(lib.gcd(17, 5), 1);
  assert.strictEqual(lib.gcd(-8, 12), 4);
  assert.strictEqual(lib.gcd(0, 9), 9);
  assert.strictEqual(lib.gcd(9, 0), 9);
});

test('fizzBuzz names multiples of 3 and 5', () => {
  assert.strictEqual(lib.fizzBuzz(9), 'Fizz');
  assert.strictEqual(lib.fizzBuzz(10), 'Buzz');
  assert.strictEqual(lib.fizzBuzz(30), 'FizzBuzz');
  assert.strictEqual(lib.fizzBuzz(7), '7');
  assert.strictEqual(lib.fizzBuzz(1), '1');
});

test('unique drops repeats and keeps the first order', () => {
  assert.deepStrictEqual(lib.unique([3, 1, 3, 2, 1]), [3, 1, 2]);
  assert.deepStrictEqual(lib.unique([]), []);
  assert.deepStrictEqual(lib.unique(['a', 'a']), ['a']);
});
