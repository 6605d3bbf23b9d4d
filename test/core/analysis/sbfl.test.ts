import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { keptLines, ochiai, recentLines, spectrumLocations, v8Lines, v8Skips, withinTime } from '../../../src/core/analysis/sbfl';
import type { Location } from '../../../src/core/model';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { git, makeProject } from '../../helpers/repo';
import { linkRunner, versionOf } from '../runners/runnerProjects';
import { workspacesProject } from './moduleGraphFixtures';
import { spectrumOf } from './spectrumOf';

/** `discount` is wrong for large orders only; `tax` and `shipping` are fine and tested too. */
const SHOP = {
  'package.json': '{"scripts":{"test":"node --test"}}',
  'src/price.js': [
    'function discount(total) {',
    '  if (total > 100) {',
    '    return total * 0.8;', // the bug: 10% was meant (0.9)
    '  }',
    '  return total;',
    '}',
    '',
    'function tax(total) {',
    '  return total * 0.25;',
    '}',
    '',
    'module.exports = { discount, tax };',
    '',
  ].join('\n'),
  'src/shipping.js': 'function shipping(total) {\n  return total > 50 ? 0 : 5;\n}\n\nmodule.exports = { shipping };\n',
  'test/price.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const { discount, tax } = require('../src/price');",
    "const { shipping } = require('../src/shipping');",
    "test('large orders get 10% off', () => assert.strictEqual(discount(200), 180));",
    "test('small orders pay full price', () => assert.strictEqual(discount(20), 20));",
    "test('tax is a quarter', () => assert.strictEqual(tax(100), 25));",
    "test('shipping is free over 50', () => assert.strictEqual(shipping(60), 0));",
    '',
  ].join('\n'),
};

describe('spectrumLocations', () => {
  it("sees the lines of another workspace package that a package's failing tests run, with their function", async () => {
    const dir = workspacesProject();
    const { baseline, result } = await spectrumOf(dir);
    assert.equal(baseline.failures.length, 2);
    const inText = result.locations.filter((l) => l.file === 'packages/text/src/index.js' && l.why.startsWith('Ochiai'));
    // No test passes in the failing file, so the contrast is the other package's passing test: it
    // loads the text package too, so only the line the failing tests alone run is left, in its function.
    const lines = inText.map((l) => [l.line + 1, l.function]).sort((x, y) => Number(x[0]) - Number(y[0]));
    assert.deepEqual(lines, [[4, 'truncate']], JSON.stringify(result.locations.map((l) => `${l.file}:${l.line + 1} ${l.why}`)));
  });

  it('ranks the line only the failing test runs first, and demotes the functions it never runs', async () => {
    const dir = makeProject(SHOP);
    const { baseline, result } = await spectrumOf(dir);
    assert.deepEqual(
      baseline.failures.map((f) => f.id),
      ['large orders get 10% off'],
    );
    assert.equal(result.note, undefined);
    assert.equal(result.runs, 4, 'each test alone');
    const top = result.locations[0];
    assert.deepEqual([top.file, top.line + 1], ['src/price.js', 3]);
    assert.match(top.why, /^Ochiai 1\.00: run by 1\/1 failing and 0\/3 passing tests/);
    const line2 = result.locations.find((l) => l.file === 'src/price.js' && l.line === 1)!;
    assert.match(line2.why, /Ochiai 0\.71/, 'the condition also runs for small orders');
    const tax = result.locations.find((l) => l.why.includes('(tax)'))!;
    assert.match(tax.why, /not run by the failing tests/);
    assert.ok(tax.score < top.score / 2);
    assert.ok(!result.locations.some((l) => l.file === 'src/shipping.js' && l.why.startsWith('Ochiai')), 'shipping is never run by the failing test');
  });

  it('runs only the passing tests named in the failing test file, and breaks Ochiai ties with the function the failing assertion calls', async () => {
    const sum = (op: string): string => `function sum(a, b) {\n  const total = a ${op} b;\n  return total;\n}\nmodule.exports = { sum };\n`;
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/a.js': sum('+'),
      'src/b.js': sum('-'), // the bug
      'test/ab.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const a = require('../src/a');",
        "const b = require('../src/b');",
        "test('both sum', () => {",
        '  assert.strictEqual(a.sum(1, 2), 3);',
        '  assert.strictEqual(b.sum(1, 2), 3);',
        '});',
        "test('a alone sums', () => assert.strictEqual(a.sum(2, 2), 4));",
        '',
      ].join('\n'),
      'test/other.test.js': "const test = require('node:test');\nfor (const n of [1, 2, 3]) test(`other ${n}`, () => {});\n",
    });
    const { baseline, result } = await spectrumOf(dir);
    assert.deepEqual(
      baseline.failures.map((f) => f.id),
      ['both sum'],
    );
    assert.equal(result.runs, 2, 'the failing test and "a alone sums"; the other file\'s tests are never run');
    const top = result.locations[0];
    assert.deepEqual([top.file, top.line + 1], ['src/b.js', 2]);
    assert.match(top.why, /in the function the failing test checks/);
  });

  it('breaks the remaining Ochiai ties with the function named like the failing test', async () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/page.js': [
        'function header(title) {',
        "  return '# ' + title;",
        '}',
        '',
        'function footer(n) {',
        "  return '-- page ' + (n + 1);", // the bug: pages count from 1 already
        '}',
        '',
        'function page(title, n) {',
        "  return header(title) + '\\n' + footer(n);",
        '}',
        '',
        'module.exports = { page };',
        '',
      ].join('\n'),
      'src/words.js': "function count(s) {\n  return s.split(' ').length;\n}\n\nmodule.exports = { count };\n",
      'test/page.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const { page } = require('../src/page');",
        "const { count } = require('../src/words');",
        "test('the footer shows the page number', () => assert.ok(page('A', 3).endsWith('-- page 3')));",
        "test('a page starts with its title', () => assert.ok(page('A', 1).startsWith('# A')));",
        "test('words are counted', () => assert.strictEqual(count('a b'), 2));",
        '',
      ].join('\n'),
    });
    const { baseline, result } = await spectrumOf(dir);
    assert.deepEqual(
      baseline.failures.map((f) => f.id),
      ['the footer shows the page number'],
    );
    // header and footer run in exactly the same tests: coverage cannot order them, the names can.
    const ranked = result.locations.filter((l) => l.why.startsWith('Ochiai'));
    const at = (fn: string): number => ranked.findIndex((l) => l.function === fn);
    assert.match(ranked[at('footer')].why, /^Ochiai 0\.71: run by 1\/1 failing and 1\/2 passing tests; named like the failing test \(.*footer/);
    assert.match(ranked[at('header')].why, /^Ochiai 0\.71: run by 1\/1 failing and 1\/2 passing tests/);
    assert.equal(ranked[at('footer')].score, ranked[at('header')].score);
    assert.ok(at('footer') < at('header'), ranked.map((l) => `${l.function}:${l.line + 1} ${l.why}`).join('\n'));
  });

  it('leaves the locations alone for a runner it cannot run test by test', async () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"node run-tests.js"}}' }, { commit: false });
    const base = [
      { file: 'src/a.js', start: 0, end: 1, line: 0, score: 0.6, why: 'x' },
      { file: 'src/b.js', start: 0, end: 1, line: 0, score: 0.6, why: 'y' },
    ];
    const failure = { id: 'a.test.js > t', name: 't', file: 'a.test.js', message: 'x', stack: [], source: 'cli' as const, runner: 'unknown' as const };
    const result = await spectrumLocations({
      cwd: dir,
      command: 'npm test',
      runner: new ProcessTestRunner(),
      baseline: { outcomes: [], failures: [failure], exitCode: 1, timedOut: false, ms: 1, output: '' },
      failures: [failure],
      base,
      readText: async () => undefined,
      timeoutMs: 5000,
    });
    assert.deepEqual(result.locations, base);
    assert.match(result.note ?? '', /not supported/);
  });

  it('spends no run when only one function is suspicious', async () => {
    const base = [{ file: 'src/a.js', start: 0, end: 9, line: 0, score: 0.6, why: 'x' }];
    const result = await spectrumLocations({
      cwd: '/nowhere',
      command: 'npm test',
      runner: new ProcessTestRunner(),
      baseline: { outcomes: [], failures: [], exitCode: 1, timedOut: false, ms: 1, output: '' },
      failures: [],
      base,
      readText: async () => undefined,
      timeoutMs: 5000,
    });
    assert.deepEqual([result.runs, result.note], [0, 'one suspicious function: nothing to rank']);
  });

  it('runs jest tests one by one with its own V8 coverage', async () => {
    const dir = makeProject(
      {
        'package.json': '{"scripts":{"test":"jest"}}',
        'src/math.js': 'function add(a, b) {\n  return a - b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n',
        'math.test.js':
          "const { add, mul } = require('./src/math');\ntest('adds', () => expect(add(2, 3)).toBe(5));\ntest('multiplies', () => expect(mul(2, 3)).toBe(6));\n",
      },
      { linkNodeModules: true },
    );
    const { result } = await spectrumOf(dir, { base: [], timeoutMs: 60_000 });
    assert.equal(result.runs, 2);
    assert.deepEqual([result.locations[0]?.file, result.locations[0]?.line + 1], ['src/math.js', 2]);
    assert.ok(!result.locations.some((l) => l.line === 5), 'mul is run only by the passing test');
  });
});

/** SHOP's tests in mocha's words, under one describe. */
const MOCHA_SHOP = {
  ...SHOP,
  'package.json': '{"scripts":{"test":"mocha test/price.spec.js"}}',
  'test/price.test.js': undefined,
  'test/price.spec.js': [
    "const assert = require('node:assert');",
    "const { discount, tax } = require('../src/price');",
    "const { shipping } = require('../src/shipping');",
    "describe('shop', () => {",
    "  it('large orders get 10% off', () => assert.strictEqual(discount(200), 180));",
    "  it('small orders pay full price', () => assert.strictEqual(discount(20), 20));",
    "  it('tax is a quarter', () => assert.strictEqual(tax(100), 25));",
    "  it('shipping is free over 50', () => assert.strictEqual(shipping(60), 0));",
    '});',
    '',
  ].join('\n'),
};

/** One test per spec file, as many projects write them; the tax spec loads first. */
const ONE_TEST_PER_SPEC: Record<string, string> = {
  'package.json': '{"scripts":{"test":"mocha test/*.spec.js"}}',
  'src/shipping.js': [
    'function cost(order) {',
    '  const base = order.items * 2;',
    '  if (order.express) {',
    '    return base + 10;',
    '  }',
    "  if (order.country !== 'home') {",
    '    return base * 3;', // the bug: abroad is twice the base
    '  }',
    '  return base;',
    '}',
    'function tax(total) {',
    '  return Math.floor(total / 4);',
    '}',
    'module.exports = { cost, tax };',
    '',
  ].join('\n'),
  'test/a-tax.spec.js': [
    "const assert = require('node:assert');",
    "const { tax } = require('../src/shipping');",
    "describe('tax', () => {",
    "  it('is a quarter', () => assert.strictEqual(tax(100), 25));",
    "  it('rounds down', () => assert.strictEqual(tax(10), 2));",
    '});',
    '',
  ].join('\n'),
  ...Object.fromEntries(
    [
      ['abroad', 'abroad costs twice the base', "{ items: 1, country: 'fr' }", 4],
      ['express', 'express costs ten more', "{ items: 1, express: true, country: 'home' }", 12],
      ['home', 'at home costs the base', "{ items: 1, country: 'home' }", 2],
    ].map(([file, name, order, expected]) => [
      `test/shipping-${file}.spec.js`,
      [
        "const assert = require('node:assert');",
        "const { cost } = require('../src/shipping');",
        `describe('shipping', () => it('${name}', () => assert.strictEqual(cost(${order}), ${expected})));`,
        '',
      ].join('\n'),
    ]),
  ),
};

describe('spectrumLocations, branches', () => {
  it('ranks first a condition that left out the failing case, where every test runs the same lines', async () => {
    // A fault of omission: the failing and the passing tests run the same lines of `label` (and of
    // `bracket`, the other suspect), so lines alone rank them all alike; only the failing test saw
    // the `if` skip its block.
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/tags.js': [
        'function label(tags) {',
        '  const out = [];',
        '  for (const t of tags) {',
        "    if (typeof t === 'string') {", // the bug: numbers are tags too
        '      out.push(String(t));',
        '    }',
        '  }',
        "  return out.join(',');",
        '}',
        '',
        'function bracket(text) {',
        "  return '[' + text + ']';",
        '}',
        '',
        'module.exports = { label, bracket };',
        '',
      ].join('\n'),
      'test/tags.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const { label, bracket } = require('../src/tags');",
        "test('numbers are tags too', () => assert.strictEqual(bracket(label(['a', 1])), '[a,1]'));",
        "test('words are joined', () => assert.strictEqual(bracket(label(['a', 'b'])), '[a,b]'));",
        "test('one word is itself', () => assert.strictEqual(bracket(label(['a'])), '[a]'));",
        '',
      ].join('\n'),
    });
    const { baseline, result } = await spectrumOf(dir);
    assert.deepEqual(
      baseline.failures.map((f) => f.id),
      ['numbers are tags too'],
    );
    const top = result.locations[0];
    assert.deepEqual([top.file, top.line + 1, top.function], ['src/tags.js', 4, 'label'], result.locations.map((l) => `${l.line + 1} ${l.why}`).join('\n'));
    assert.match(top.why, /^Ochiai 1\.00: a block here skipped in 1\/1 failing and 0\/2 passing tests/);
    // The lines themselves say nothing: every test runs them.
    assert.ok(!result.locations.some((l) => /^Ochiai .*: run by/.test(l.why) && l.score >= top.score));
  });
});

describe('spectrumLocations, passing tests from other specs', () => {
  it('contrasts a failing test alone in its spec with the passing tests whose names are most like it, from the other specs', async () => {
    const dir = makeProject(ONE_TEST_PER_SPEC);
    linkRunner(dir, 'mocha', 'current');
    // One failing and two passing tests: the two shipping tests, not the two tax tests that come first.
    const { baseline, result } = await spectrumOf(dir, { maxTests: 3 });
    assert.deepEqual(
      baseline.failures.map((f) => f.id),
      ['shipping > abroad costs twice the base'],
    );
    const top = result.locations[0];
    assert.deepEqual([top.file, top.line + 1], ['src/shipping.js', 7], result.locations.map((l) => `${l.line + 1} ${l.why}`).join('\n'));
    assert.match(top.why, /^Ochiai 1\.00: run by 1\/1 failing and 0\/2 passing tests/);
    // Only the home test reaches the country check: had the tax tests been picked, no passing test would.
    assert.match(result.locations.find((l) => l.file === 'src/shipping.js' && l.line === 5)!.why, /run by 1\/1 failing and 1\/2 passing tests/);
  });

  it('does not take a test of another spec for one of the failing spec because the failing spec spells its name', async () => {
    const abroad = 'test/shipping-abroad.spec.js';
    const dir = makeProject({ ...ONE_TEST_PER_SPEC, [abroad]: `// Not a tax: compare 'is a quarter'.\n${ONE_TEST_PER_SPEC[abroad]}` });
    linkRunner(dir, 'mocha', 'current');
    const { result } = await spectrumOf(dir, { maxTests: 3 });
    assert.match(result.locations[0].why, /^Ochiai 1\.00: run by 1\/1 failing and 0\/2 passing tests/, 'two passing tests ran beside the failing one');
  });
});

describe('spectrumLocations, cost', () => {
  for (const generation of ['current', 'old'] as const) {
    it(`runs every mocha test (${versionOf('mocha', generation)}) in one run, with coverage split per test by our reporter`, async () => {
      const files = Object.fromEntries(Object.entries(MOCHA_SHOP).filter((e): e is [string, string] => e[1] !== undefined));
      const dir = makeProject(files);
      linkRunner(dir, 'mocha', generation);
      const { baseline, result } = await spectrumOf(dir);
      assert.deepEqual(
        baseline.failures.map((f) => f.id),
        ['shop > large orders get 10% off'],
      );
      assert.equal(result.runs, 1);
      // The same spectrum as four runs of one test each: every test kept its own lines.
      const top = result.locations[0];
      assert.deepEqual([top.file, top.line + 1], ['src/price.js', 3]);
      assert.match(top.why, /^Ochiai 1\.00: run by 1\/1 failing and 0\/3 passing tests/);
      assert.match(result.locations.find((l) => l.file === 'src/price.js' && l.line === 1)!.why, /Ochiai 0\.71/);
      assert.match(result.locations.find((l) => l.why.includes('(tax)'))!.why, /not run by the failing tests/);
    });
  }

  it('lets the stack and the tested function order the lines when no passing test gives a contrast', async () => {
    // Only the failing test runs in its file: every line it runs scores Ochiai 1, the module's own
    // set-up lines as much as the buggy one, so Ochiai must not lift those above the tested function.
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/price.js': [
        'const RATES = { standard: 0.9 };',
        'const names = Object.keys(RATES).map((k) => k.toUpperCase());',
        'function discount(total) {',
        '  return total > 100 ? total * 0.8 : total;',
        '}',
        'module.exports = { discount, names };',
        '',
      ].join('\n'),
      'test/price.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const { discount } = require('../src/price');",
        "test('large orders get 10% off', () => assert.strictEqual(discount(200), 180));",
        '',
      ].join('\n'),
    });
    const { result } = await spectrumOf(dir);
    const ochiai = result.locations.filter((l) => l.why.startsWith('Ochiai'));
    assert.ok(ochiai.length > 0 && ochiai.every((l) => /run by 1\/1 failing and 0\/0 passing/.test(l.why)));
    const top = result.locations[0];
    assert.equal(top.function, 'discount', result.locations.map((l) => `${l.line + 1} ${l.function} ${l.score.toFixed(2)} ${l.why}`).join('\n'));
    const setUp = ochiai.find((l) => l.line === 1)!;
    assert.ok(setUp.score < ochiai.find((l) => l.line === 3)!.score, 'a set-up line ranks below the tested function’s line');
    const rank = (l: { why: string }): number => result.locations.indexOf(l as (typeof result.locations)[number]);
    const called = result.locations.find((l) => l.function === 'discount' && !l.why.startsWith('Ochiai'))!;
    assert.ok(
      rank(setUp) > rank(called),
      `the set-up line (${setUp.score.toFixed(2)}) is no more suspect than the function the test calls (${called.score.toFixed(2)})`,
    );
  });

  it('stops starting runs of one test each when its time budget is spent', async () => {
    const dir = makeProject(SHOP);
    const debug: string[] = [];
    const log = { debug: (m: string) => debug.push(m), info() {}, warn() {}, error() {} };
    const { result } = await spectrumOf(dir, { budgetMs: 0, log });
    assert.equal(result.runs, 1, 'the first run always happens');
    assert.ok(
      debug.some((m) => /stopped after 1 run\(s\), at the 0 s budget/.test(m)),
      debug.join('\n'),
    );
    // The one run was the failing test's, so the spectrum is still usable.
    assert.equal(result.note, undefined);
  });
});

describe('spectrum parts', () => {
  it('computes Ochiai', () => {
    assert.equal(ochiai(1, 0, 1), 1);
    assert.equal(ochiai(0, 3, 1), 0);
    assert.equal(ochiai(1, 1, 1).toFixed(3), '0.707');
    assert.equal(ochiai(1, 0, 2).toFixed(3), '0.707');
  });

  it('keeps the best 25 lines, then the best line of each further function, so long functions do not push the others out', () => {
    const at = (file: string, fn: string | undefined, line: number, score: number): Location => ({
      file,
      function: fn,
      line,
      start: 0,
      end: 0,
      score,
      why: 'Ochiai',
    });
    // Two long functions whose 30 lines each tie for first, then three more functions of two lines each.
    const lines = [
      ...Array.from({ length: 30 }, (_, i) => at('src/render.js', 'render', i, 0.9)),
      ...Array.from({ length: 30 }, (_, i) => at('src/layout.js', 'layout', i, 0.9)),
      at('src/map.js', 'readMap', 10, 0.7),
      at('src/map.js', 'readMap', 11, 0.7),
      at('src/map.js', undefined, 40, 0.6),
      at('src/map.js', undefined, 41, 0.6),
      at('src/object.js', 'readObject', 5, 0.5),
    ];
    const kept = keptLines(lines);
    assert.equal(kept.filter((l) => l.function === 'render').length, 25, 'the first 25 lines as ranked');
    assert.equal(kept.filter((l) => l.function === 'layout').length, 1, 'past them, one line per function');
    assert.deepEqual(
      kept.slice(25).map((l) => `${l.function ?? 'module'}:${l.line}`),
      ['layout:0', 'readMap:10', 'module:40', 'module:41', 'readObject:5'],
      'module-level lines have no function to stand for them and count one each',
    );
    const many = Array.from({ length: 60 }, (_, i) => at(`src/f${i}.js`, `f${i}`, 0, 1 - i / 100));
    assert.equal(keptLines(many).length, 25, 'at most 25 functions');
  });

  it('reads lines from V8 block coverage, innermost range first', () => {
    const text = 'function f(x) {\n  if (x) {\n    return 1;\n  }\n  return 2;\n}\nf(0);\n';
    const ifBlock = text.indexOf('{\n    return 1');
    const ranges = [
      { startOffset: 0, endOffset: text.length, count: 1 },
      { startOffset: 0, endOffset: text.indexOf('\nf(0)'), count: 1 },
      { startOffset: ifBlock, endOffset: text.indexOf('  return 2'), count: 0 },
    ];
    assert.deepEqual([...v8Lines(text, ranges)].sort(), [0, 1, 4, 6]);
  });

  it("picks passing tests, in their order, until their times make a quarter of the suite's", () => {
    const baseline = {
      ms: 4000,
      outcomes: [
        { id: 'slow', status: 'passed' as const, ms: 800 },
        { id: 'fast', status: 'passed' as const, ms: 5 },
        { id: 'untimed', status: 'passed' as const },
        { id: 'medium', status: 'passed' as const, ms: 300 },
        { id: 'late', status: 'passed' as const, ms: 400 },
      ],
    };
    // A quarter is 1000 ms. In order, fast and slow fit (805 ms); then the untimed test, costing the
    // average (800 ms), and the later ones no longer do.
    assert.deepEqual(withinTime(['fast', 'slow', 'untimed', 'medium', 'late'], baseline), ['fast', 'slow']);
    assert.deepEqual(withinTime(['fast', 'medium', 'late', 'slow'], baseline), ['fast', 'medium', 'late']);
  });

  it('reads where a block was skipped while the code around it ran, from V8 block coverage', () => {
    const text = 'function f(xs) {\n  for (const x of xs) {\n    if (x) {\n      g(x);\n    }\n  }\n  return 2;\n}\n';
    const fn = { startOffset: 0, endOffset: text.length - 1, count: 1 };
    const loop = { startOffset: text.indexOf('{\n    if'), endOffset: text.indexOf('\n  return'), count: 3 };
    const ifBlock = { startOffset: text.indexOf('{\n      g'), endOffset: text.indexOf('\n  }\n  return'), count: 1 };
    // The `if` skipped its block in 2 of the loop's 3 turns: the branch is its line (0-based 2).
    assert.deepEqual([...v8Skips(text, [{ ranges: [fn, loop, ifBlock] }])], [2]);
    // A block that ran as often as its parent skipped nothing.
    assert.deepEqual([...v8Skips(text, [{ ranges: [fn, loop, { ...ifBlock, count: 3 }] }])], []);
    // Nor does anything in a function that never ran.
    assert.deepEqual(
      [
        ...v8Skips(text, [
          {
            ranges: [
              { ...fn, count: 0 },
              { ...loop, count: 0 },
            ],
          },
        ]),
      ],
      [],
    );
    // A range that starts on a line of punctuation only (after a block's closing brace) is the code it skipped.
    const after = { startOffset: text.indexOf('\n  }\n  return') + 1, endOffset: text.length - 2, count: 0 };
    assert.deepEqual([...v8Skips(text, [{ ranges: [fn, after] }])], [6]);
  });

  it('finds the lines changed in the last 10 commits or not committed', async () => {
    const dir = makeProject({ 'a.js': 'old\nkept\n' });
    for (let i = 0; i < 10; i++) {
      fs.writeFileSync(path.join(dir, `f${i}.txt`), `${i}\n`);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', `c${i}`);
    }
    fs.writeFileSync(path.join(dir, 'a.js'), 'old\nkept\nnew\n');
    git(dir, 'commit', '-qam', 'recent');
    fs.writeFileSync(path.join(dir, 'a.js'), 'old changed\nkept\nnew\n');
    assert.deepEqual([...((await recentLines(dir, ['a.js'])).get('a.js') ?? [])].sort(), [0, 2]);
  });

  it('does not count the commit that added the whole project as a recent change', async () => {
    const dir = makeProject({ 'a.js': 'one\ntwo\n' });
    assert.deepEqual([...((await recentLines(dir, ['a.js'])).get('a.js') ?? [])], [], 'a one-commit repository: nothing has changed since the import');
    fs.writeFileSync(path.join(dir, 'a.js'), 'one\ntwo changed\n');
    git(dir, 'commit', '-qam', 'change');
    assert.deepEqual([...((await recentLines(dir, ['a.js'])).get('a.js') ?? [])], [1]);
  });
});
