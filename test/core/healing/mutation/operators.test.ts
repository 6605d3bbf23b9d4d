import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parse } from '../../../../src/core/analysis/treeSitter';
import { hintsFrom, singleCandidates } from '../../../../src/core/healing/mutation/engine';
import { applyEdits } from '../../../../src/core/edits';
import { mutationsIn } from '../../../../src/core/healing/mutation/operators';
import { DEFAULT_PRIORS, PRIOR_KEYS } from '../../../../src/core/healing/mutation/priors';
import { Failure } from '../../../../src/core/model';

async function variants(source: string, file = 'a.js'): Promise<string[]> {
  const tree = await parse(file, source);
  try {
    return mutationsIn(tree!.rootNode, source).map((m) => applyEdits(source, [{ start: m.start, end: m.end, newText: m.text }]));
  } finally {
    tree!.delete();
  }
}

describe('mutation operators', () => {
  it('swaps operators within their family, boundaries included', async () => {
    const out = await variants('const f = (a, b) => a < b;');
    assert.ok(out.includes('const f = (a, b) => a <= b;'));
    assert.ok(out.includes('const f = (a, b) => a > b;'));
    assert.ok(!out.includes('const f = (a, b) => a + b;'), 'no cross-family swap to arithmetic');
  });

  it('changes integer literals by one, to 0/1 and to -1', async () => {
    const out = await variants('let i = 0;');
    assert.ok(out.includes('let i = 1;'));
    assert.ok(out.includes('let i = -1;'));
  });

  it('borrows a literal that the same function already uses', async () => {
    const out = await variants('function f(n) { for (let i = 2; i < n; i++) {} for (let j = 0; j < n; j++) {} }');
    assert.ok(out.some((v) => v.includes('let j = 2')));
  });

  it('replaces an identifier only by names in scope, never by a global', async () => {
    const out = await variants('function g(a, b) { const t = a; return b + Math.max(t, 1); }');
    assert.ok(out.includes('function g(a, b) { const t = a; return a + Math.max(t, 1); }'));
    assert.ok(!out.some((v) => v.includes('a.max(')), 'the global Math is left alone');
  });

  it('swaps often-confused methods', async () => {
    const out = await variants('const f = (x) => Math.floor(x);');
    assert.ok(out.includes('const f = (x) => Math.ceil(x);'));
  });

  it('replaces an operator along a whole chain at once', async () => {
    const out = await variants('const f = (c) => c != 1 || c != 2 || c != 3;');
    assert.ok(out.includes('const f = (c) => c != 1 && c != 2 && c != 3;'));
  });

  it('flips every returned boolean of a predicate together', async () => {
    const out = await variants('function p(n) { if (n < 2) return true; return false; }');
    assert.ok(out.includes('function p(n) { if (n < 2) return false; return true; }'));
  });

  it('drops trailing operands of a chain and a chained call', async () => {
    const out = await variants("const f = (a, b, s) => [a * b * a * b, s.replace(',', '.').replace('.', ',')];");
    assert.ok(out.some((v) => v.includes('[a * b, ')));
    assert.ok(out.some((v) => v.includes("s.replace(',', '.')]")));
  });

  it('adds optional chaining first where a failure read a property of undefined', async () => {
    const source = 'function cityOf(user) {\n  return user.address.city;\n}\n';
    const failure = Failure.parse({ id: 't', name: 't', message: "TypeError: Cannot read properties of undefined (reading 'city')" });
    const candidates = await singleCandidates(
      [{ file: 'a.js', start: 0, end: source.length, line: 0, score: 1, why: 'test' }],
      [{ file: 'a.js', text: source }],
      hintsFrom([failure]),
    );
    assert.match(applyEdits(source, candidates[0].edits), /user\.address\?\.city/);
  });

  /** The single-edit candidates for the whole of `source`, given one failure message. */
  const candidatesFor = async (source: string, message: string, file = 'a.js') =>
    singleCandidates(
      [{ file, start: 0, end: source.length, line: 0, score: 1, why: 'test' }],
      [{ file, text: source }],
      hintsFrom([Failure.parse({ id: 't', name: 't', message })]),
    );

  it('defaults an options parameter at the top of the function when a caller passed nothing and a read of it failed', async () => {
    const source = 'function generate(args) {\n    var force = args.f || args.force;\n    return force;\n}\n';
    const texts = (await candidatesFor(source, "TypeError: Cannot read properties of undefined (reading 'f')")).map((c) => applyEdits(source, c.edits));
    const fixed = 'function generate(args) {\n    args = args || {};\n    var force = args.f || args.force;\n    return force;\n}\n';
    assert.ok(texts.includes(fixed), 'one line at the top, indented like the body');
    assert.ok(texts.indexOf(fixed) < 3, 'on the evidence, it is among the first tried');
    const without = (await candidatesFor(source, 'AssertionError: expected true to be false')).map((c) => applyEdits(source, c.edits));
    assert.ok(!without.includes(fixed), 'without a failed read, no default is proposed');
  });

  it('defaults a typed TypeScript parameter, but not a destructured one or a local variable', async () => {
    const message = "TypeError: Cannot read properties of undefined (reading 'name')";
    const typed = 'export function label(opts: Options): string {\n  return opts.name;\n}\n';
    assert.ok((await candidatesFor(typed, message, 'a.ts')).some((c) => applyEdits(typed, c.edits).includes('{\n  opts = opts || {};\n  return opts.name;')));
    const destructured = 'function label({ opts }) {\n  return opts.name;\n}\n';
    const local = 'function label() {\n  const opts = load();\n  return opts.name;\n}\n';
    for (const source of [destructured, local])
      assert.ok(!(await candidatesFor(source, message)).some((c) => applyEdits(source, c.edits).includes('opts || {}')), source);
  });

  it('skips the statement that read a property of a missing value, when the failure says so', async () => {
    const source = 'function readKey(key, out) {\n  key = key.toString();\n  out[key] = 1;\n  return out;\n}\n';
    const message = "TypeError: Cannot read properties of null (reading 'toString')";
    const texts = (await candidatesFor(source, message)).map((c) => applyEdits(source, c.edits));
    const fixed = 'function readKey(key, out) {\n  if (key != null) key = key.toString();\n  out[key] = 1;\n  return out;\n}\n';
    assert.ok(texts.includes(fixed));
    assert.ok(texts.indexOf(fixed) < 3, 'on the evidence, it is among the first tried');
    assert.ok(
      !(await candidatesFor(source, 'AssertionError: expected 1 to equal 2')).some((c) => applyEdits(source, c.edits) === fixed),
      'not without the evidence',
    );
    // A return or a declaration skipped would change more than the read.
    for (const other of ['function f(user) {\n  return user.name;\n}\n', 'function f(user) {\n  const n = user.name;\n  return n;\n}\n'])
      assert.ok(
        !(await candidatesFor(other, "TypeError: Cannot read properties of undefined (reading 'name')")).some((c) =>
          applyEdits(other, c.edits).includes('!= null'),
        ),
        other,
      );
  });

  it('drops candidates that do not parse', async () => {
    const source = 'const f = (a, b) => -a - b;\n';
    const candidates = await singleCandidates(
      [{ file: 'a.js', start: 0, end: source.length, line: 0, score: 1, why: 'test' }],
      [{ file: 'a.js', text: source }],
      hintsFrom([]),
    );
    for (const c of candidates) {
      const tree = await parse('a.js', applyEdits(source, c.edits));
      assert.equal(tree!.rootNode.hasError, false, c.summary);
      tree!.delete();
    }
    assert.ok(!candidates.some((c) => applyEdits(source, c.edits).includes('-a ** b')), '`-a ** b` is a syntax error in JavaScript');
  });

  it('tries the kinds of edit in the order the priors give', async () => {
    const source = 'function f(a, b) {\n  return a + b * 2;\n}\n';
    const whole = [{ file: 'a.js', start: 0, end: source.length, line: 0, score: 1, why: 'test' }];
    const files = [{ file: 'a.js', text: source }];
    const first = async (priors: typeof DEFAULT_PRIORS): Promise<string> => (await singleCandidates(whole, files, hintsFrom([]), priors))[0].operator;
    const cheap = (key: (typeof PRIOR_KEYS)[number]): typeof DEFAULT_PRIORS =>
      ({ ...Object.fromEntries(PRIOR_KEYS.map((k) => [k, 3])), [key]: 0.5 }) as typeof DEFAULT_PRIORS;
    assert.strictEqual(await first(cheap('literal')), 'literal');
    assert.strictEqual(await first(cheap('operator')), 'binary-operator');
    assert.strictEqual(await first(cheap('identifier')), 'identifier');
  });

  it('names the prior that priced each edit, and prices it from that prior', async () => {
    const source = 'const f = (a, b) => a < b;';
    const tree = await parse('a.js', source);
    try {
      const doubled = Object.fromEntries(PRIOR_KEYS.map((k) => [k, DEFAULT_PRIORS[k] * 2])) as typeof DEFAULT_PRIORS;
      const plain = mutationsIn(tree!.rootNode, source);
      const scaled = mutationsIn(tree!.rootNode, source, undefined, doubled);
      const boundary = plain.find((m) => m.text === '<=')!;
      assert.strictEqual(boundary.prior, 'boundary');
      assert.strictEqual(scaled.find((m) => m.text === '<=')!.cost, 2 * boundary.cost);
      assert.ok(plain.every((m) => PRIOR_KEYS.includes(m.prior)));
    } finally {
      tree!.delete();
    }
  });

  it('lets evidence in the failure outrank every prior', async () => {
    const source = 'function cityOf(user) {\n  return user.address.city + 1;\n}\n';
    const failure = Failure.parse({ id: 't', name: 't', message: "TypeError: Cannot read properties of undefined (reading 'city')" });
    const cheapest = Object.fromEntries(PRIOR_KEYS.map((k) => [k, 0.5])) as typeof DEFAULT_PRIORS;
    const candidates = await singleCandidates(
      [{ file: 'a.js', start: 0, end: source.length, line: 0, score: 1, why: 'test' }],
      [{ file: 'a.js', text: source }],
      hintsFrom([failure]),
      cheapest,
    );
    assert.match(applyEdits(source, candidates[0].edits), /user\.address\?\.city/);
  });
});
