/**
 * Values that cross between the grader's realms and processes: a tagged JSON form that keeps what
 * JSON drops (NaN, ±Infinity, undefined, -0 is folded into 0), a NaN-aware deep comparison with a
 * float tolerance, and the "neighbours" of an input used to probe behaviour beyond the tests.
 */
import * as vm from 'node:vm';

/** JSON plus tags: { $t: 'NaN' | 'Inf' | '-Inf' | 'undef' | 'big' | 'fn' | 'sym' | 'huge' | 'cycle' | 'map' | 'set' | 'obj' }. */
export type Encoded = null | boolean | number | string | Encoded[] | { $t: string; v?: Encoded | string };

const MAX_DEPTH = 20;
const MAX_ITEMS = 100_000;

/**
 * Works on values of any realm (vm contexts): only typeof, Array.isArray and toString tags are used.
 * `path` holds the containers being encoded, so a value that contains itself is a cycle, not an
 * exponential walk (a wrong fix may push an array into itself).
 */
export function encode(value: unknown, path: object[] = []): Encoded {
  if (path.length > MAX_DEPTH) return { $t: 'deep' };
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return { $t: 'NaN' };
      if (value === Infinity) return { $t: 'Inf' };
      if (value === -Infinity) return { $t: '-Inf' };
      return value === 0 ? 0 : value;
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return { $t: 'undef' };
    case 'bigint':
      return { $t: 'big', v: value.toString() };
    case 'function':
      // Functions cannot be compared by behaviour here, so by their source: two different
      // functions must not look alike (a returned closure with a wrong body is a mismatch).
      // Strict on purpose: an equivalent closure written differently counts as different.
      return { $t: 'fn', v: Function.prototype.toString.call(value).replace(/\s+/g, ' ') };
    case 'symbol':
      return { $t: 'sym', v: String((value as symbol).description) };
    default:
      break;
  }
  if (value === null) return null;
  if (path.includes(value as object)) return { $t: 'cycle' };
  const depth = [...path, value as object];
  // A runaway loop can build millions of elements before its call times out; encoding them all
  // would cost more than the call. No reference output comes near this size.
  if (Array.isArray(value) && value.length > MAX_ITEMS) return { $t: 'huge', v: String(value.length) };
  if (Array.isArray(value)) return value.map((v) => encode(v, depth));
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Map]') return { $t: 'map', v: [...(value as Map<unknown, unknown>)].map(([k, v]) => [encode(k, depth), encode(v, depth)]) };
  if (tag === '[object Set]') return { $t: 'set', v: [...(value as Set<unknown>)].map((v) => encode(v, depth)) };
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => [k, encode((value as Record<string, unknown>)[k], depth)]);
  return { $t: 'obj', v: entries as Encoded };
}

/**
 * Source of the inverse of `encode`, evaluated inside a vm context so that decoded arguments are
 * that context's own arrays and objects (code under test may use `instanceof Array`).
 */
export const DECODE_SOURCE = `(function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== 'object') return v;
  switch (v.$t) {
    case 'NaN': return NaN;
    case 'Inf': return Infinity;
    case '-Inf': return -Infinity;
    case 'undef': return undefined;
    case 'big': return BigInt(v.v);
    case 'map': return new Map(v.v.map(([k, x]) => [decode(k), decode(x)]));
    case 'set': return new Set(v.v.map(decode));
    case 'obj': { const o = {}; for (const [k, x] of v.v) o[k] = decode(x); return o; }
    default: return undefined;
  }
})`;

/** Plain (main-realm) value of an encoded one, for generating neighbours. */
export const decode = vm.runInThisContext(DECODE_SOURCE) as (v: Encoded) => unknown;

const FLOAT_TOLERANCE = 1e-9;

/** Deep equality of two encoded values: NaN equals NaN, numbers within 1e-9 (relative above 1). */
export function sameValue(a: Encoded, b: Encoded): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= FLOAT_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (a.$t !== b.$t) return false;
    if (a.v === undefined || b.v === undefined) return a.v === b.v;
    if (typeof a.v === 'string' || typeof b.v === 'string') return a.v === b.v;
    if (a.$t === 'set') return sameUnordered(a.v as Encoded[], b.v as Encoded[]);
    return sameValue(a.v, b.v);
  }
  return a === b;
}

function sameUnordered(a: Encoded[], b: Encoded[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...b];
  return a.every((x) => {
    const i = left.findIndex((y) => sameValue(x, y));
    if (i >= 0) left.splice(i, 1);
    return i >= 0;
  });
}

const flipCase = (s: string): string => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** One character changed: the middle one moved to the next code point (a→b, 9→:, ' '→'!'). */
function oneCharChanged(s: string): string {
  const i = Math.floor(s.length / 2);
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) + 1) + s.slice(i + 1);
}

/** Values near `value` of the same shape: the inputs a plausible-but-wrong fix tends to get wrong. */
export function neighbours(value: unknown, depth = 0): unknown[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return [0];
    return [value + 1, value - 1, 0, -value, ...(Number.isInteger(value) ? [] : [Math.round(value), value + 0.5])];
  }
  if (typeof value === 'string')
    return value.length === 0 ? ['a', ' ', 'A1'] : ['', oneCharChanged(value), flipCase(value), value + value.slice(-1), value + value, value.slice(1)];
  if (typeof value === 'boolean') return [!value];
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const out: unknown[] = [[], [...value].reverse(), value.slice(1), value.slice(0, -1), [value[0], ...value], [...value, value[value.length - 1]]];
    if (depth < 2) {
      // Nested by type: vary one element (the first, then the last) and keep the rest.
      for (const index of new Set([0, value.length - 1])) {
        for (const n of neighbours(value[index], depth + 1).slice(0, 4)) out.push(value.map((x, i) => (i === index ? n : x)));
      }
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const out: unknown[] = keys.length ? [{}] : [];
    for (const key of keys.slice(0, 3)) {
      const { [key]: dropped, ...rest } = value as Record<string, unknown>;
      out.push(rest);
      if (depth < 2) for (const n of neighbours(dropped, depth + 1).slice(0, 3)) out.push({ ...rest, [key]: n });
    }
    return out;
  }
  return [];
}

/** Each argument list varied one argument at a time, by that argument's neighbours. */
function variantsOf(args: Encoded[]): Encoded[][] {
  const list: Encoded[][] = [];
  args.forEach((arg, position) => {
    for (const n of neighbours(decode(arg))) list.push(args.map((a, i) => (i === position ? encode(n) : a)));
  });
  return list;
}

/** Round-robin over several lists (the first of each, then the second of each, …). */
function* interleaved(lists: Encoded[][][]): Generator<Encoded[]> {
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const list of lists) if (i < list.length) yield list[i];
}

/**
 * Argument lists to evaluate: every recorded list first, then neighbours that vary one argument
 * at a time, interleaved across the recorded lists so a cap keeps the variety; then, up to
 * `deepCap` more, neighbours of those neighbours (two arguments varied, or one varied twice), for
 * a wrong fix that only shows two steps away from the tests' inputs. Deduplicated.
 */
export function inputsFrom(recorded: Encoded[][], cap: number, deepCap = 0): Encoded[][] {
  const seen = new Set<string>();
  const out: Encoded[][] = [];
  const add = (args: Encoded[], limit: number): void => {
    const key = JSON.stringify(args);
    if (out.length < limit && !seen.has(key)) {
      seen.add(key);
      out.push(args);
    }
  };
  for (const args of recorded) add(args, cap);
  const firstLevel = recorded.map(variantsOf);
  for (const args of interleaved(firstLevel)) {
    if (out.length >= cap) break;
    add(args, cap);
  }
  if (deepCap === 0) return out;
  const limit = out.length + deepCap;
  // Built lazily and round-robin: the second level of a long recorded list is far larger than its cap.
  const shallow = [...interleaved(firstLevel)];
  const deeper: Encoded[][][] = [];
  for (let i = 0; out.length < limit; i++) {
    let grew = false;
    for (let j = 0; j < shallow.length && out.length < limit; j++) {
      deeper[j] ??= variantsOf(shallow[j]);
      if (i >= deeper[j].length) continue;
      grew = true;
      add(deeper[j][i], limit);
    }
    if (!grew) break;
  }
  return out;
}
