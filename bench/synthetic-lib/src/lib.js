/** Small utilities with a thorough test suite: the target of the benchmark's synthetic bugs. */

/** `x` limited to the interval [lo, hi]. */
function clamp(x, lo, hi) {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}

/** Integers from `start` up to but not including `end`, `step` apart. */
function range(start, end, step = 1) {
  const out = [];
  for (let i = start; i < end; i += step) {
    out.push(i);
  }
  return out;
}

/** Arithmetic mean; 0 for an empty list. */
function mean(xs) {
  if (xs.length === 0) return 0;
  let total = 0;
  for (const x of xs) total += x;
  return total / xs.length;
}

/** Middle value of the sorted list (mean of the two middle ones for an even length). */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 0) return (sorted[mid - 1] + sorted[mid]) / 2;
  return sorted[mid];
}

/** First letter upper case, the rest lower case. */
function capitalize(s) {
  if (s.length === 0) return s;
  return s[0].toUpperCase() + s.slice(1).toLowerCase();
}

/** Number of vowels (a, e, i, o, u, either case). */
function countVowels(s) {
  let count = 0;
  for (const c of s.toLowerCase()) {
    if ('aeiou'.includes(c)) count++;
  }
  return count;
}

/** True when `s` reads the same backwards, ignoring case and anything but letters and digits. */
function isPalindrome(s) {
  const t = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (let i = 0, j = t.length - 1; i < j; i++, j--) {
    if (t[i] !== t[j]) return false;
  }
  return true;
}

/** `xs` cut into lists of `size` items (the last may be shorter). */
function chunk(xs, size) {
  const out = [];
  for (let i = 0; i < xs.length; i += size) {
    out.push(xs.slice(i, i + size));
  }
  return out;
}

/** Greatest common divisor of two integers (always non-negative). */
function gcd(a, b) {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** "Fizz" for multiples of 3, "Buzz" for 5, "FizzBuzz" for both, else the number as text. */
function fizzBuzz(n) {
  if (n % 15 === 0) return 'FizzBuzz';
  if (n % 3 === 0) return 'Fizz';
  if (n % 5 === 0) return 'Buzz';
  return String(n);
}

/** Items of `xs` without repeats, in order of first appearance. */
function unique(xs) {
  const seen = new Set();
  const out = [];
  for (const x of xs) {
    if (!seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  }
  return out;
}

module.exports = { clamp, range, mean, median, capitalize, countVowels, isPalindrome, chunk, gcd, fizzBuzz, unique };
