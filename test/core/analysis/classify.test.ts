import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arrayElements,
  classificationSources,
  classify,
  clockSkew,
  floatNoise,
  isPermutation,
  localeDifference,
  pinnedClock,
} from '../../../src/core/analysis/classify';
import type { RerunResult } from '../../../src/core/verify/search';
import { Failure } from '../../../src/core/model';
import { makeProject } from '../../helpers/repo';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const failure = (fields: Partial<Failure> & { message: string }): Failure =>
  Failure.parse({ id: fields.name ?? 't', name: 't', file: 'test/a.test.js', runner: 'node', ...fields });
const reruns = (id: string, r: RerunResult): Map<string, RerunResult> => new Map([[id, r]]);

describe('classify', () => {
  it('calls an exact comparison of floats that differ in the last bits a brittle assertion', () => {
    const c = classify([failure({ message: 'Expected values to be strictly equal', expected: '0.15', actual: '0.15000000000000002' })]);
    assert.equal(c.class, 'brittle-assertion');
    assert.match(c.evidence[0], /floating-point/);
  });

  it('keeps a real numeric difference a code bug', () => {
    assert.equal(classify([failure({ message: 'Expected values to be strictly equal', expected: '3.5', actual: '3' })]).class, 'code-bug');
  });

  it('recognises two readings of the clock a few milliseconds apart', () => {
    assert.equal(clockSkew({ expected: '2026-11-25T13:26:26.523Z', actual: '2026-11-25T13:26:26.525Z' }), 2);
    assert.equal(clockSkew({ expected: '1795613186523', actual: '1795613186526' }), 3);
    assert.equal(clockSkew({ expected: '2026-11-25T13:26:26.523Z', actual: '2026-11-26T13:26:26.523Z' }), undefined, 'a day apart is a real difference');
    const c = classify([failure({ message: 'x', expected: '1795613186523', actual: '1795613186526' })]);
    assert.equal(c.class, 'brittle-assertion');
    assert.match(c.evidence[0], /clock 3 ms apart/);
  });

  it('calls a permutation brittle only when the order comes from an unordered source and the test is not about order', () => {
    const perm = { message: 'deep-equal', expected: '[\n  "a",\n  "b"\n]', actual: "[\n  'b',\n  'a'\n]" };
    assert.deepEqual(arrayElements(perm.actual), ['"b"', '"a"']);
    assert.ok(isPermutation(perm));
    const unordered = { sources: { 'src/tags.js': 'return Object.keys(counts);' } };
    assert.equal(classify([failure({ ...perm, name: 'lists the tags' })], '', unordered).class, 'brittle-assertion');
    assert.equal(classify([failure({ ...perm, name: 'sorts the tags' })], '', unordered).class, 'code-bug', 'the test is about order');
    assert.equal(
      classify([failure({ ...perm, name: 'lists the tags' })], '', { sources: { 'src/tags.js': 'return list;' } }).class,
      'code-bug',
      'nothing says the order is unspecified',
    );
  });

  it('recognises a value formatted for another locale when the code uses the default locale', () => {
    assert.ok(localeDifference({ expected: "'1,234.5'", actual: "'1.234,5'" }));
    assert.ok(!localeDifference({ expected: "'1,234.5'", actual: "'1,234.6'" }));
    const c = classify([failure({ message: 'x', expected: "'1,234.5'", actual: "'1.234,5'" })], '', { sources: { 'src/f.js': 'return n.toLocaleString();' } });
    assert.equal(c.class, 'brittle-assertion');
    assert.match(c.evidence[0], /locale/);
  });

  it('calls random results that change from run to run brittle', () => {
    const r = reruns('t', { runs: 3, passes: 0, actuals: ['0.1', '0.7', '0.3'] });
    const c = classify([failure({ message: 'x', expected: '0.5', actual: '0.2' })], '', { reruns: r, sources: { 'src/d.js': 'return Math.random();' } });
    assert.equal(c.class, 'brittle-assertion');
    assert.match(c.evidence[0], /changes from run to run/);
  });

  it('reads snapshot failures from the failure, not from the summary every jest run prints', () => {
    assert.equal(classify([failure({ message: 'expect(received).toMatchSnapshot()\nSnapshot name: `x 1`' })]).class, 'outdated-snapshot');
    const jestSummary = 'Tests:       1 failed, 1 total\nSnapshots:   0 total\nTime:        0.5 s';
    assert.equal(classify([failure({ message: 'expect(received).toBe(expected)', expected: '5', actual: '-1' })], jestSummary).class, 'code-bug');
  });

  it('finds an async test from node:test notes beside the failure and quotes the sentence that says so', () => {
    const output =
      '# Error: Test "get" at test/store.test.js:5:1 generated asynchronous activity after the test ended. This activity created the error "AssertionError"';
    const c = classify([failure({ id: 'test/store.test.js', name: 'test/store.test.js', message: 'test failed' })], output);
    assert.equal(c.class, 'async-test');
    assert.match(c.evidence[0], /Test "get" at test\/store\.test\.js:5:1 generated asynchronous activity after the test ended\.$/);
    assert.equal(
      classify([failure({ message: 'thrown: "Exceeded timeout of 1000 ms for a test while waiting for `done()` to be called."' })]).class,
      'async-test',
    );
  });

  it('names infrastructure problems: a missing package, an unset variable, a port in use', () => {
    const cases = [
      "Cannot find module 'pg' from 'src/db.js'",
      'Error: environment variable API_KEY is not set',
      'listen EADDRINUSE: address already in use :::3000',
    ];
    for (const message of cases) assert.equal(classify([failure({ message })]).class, 'infrastructure', message);
    assert.equal(
      classify([failure({ message: "Cannot find module './util' from 'src/a.js'" })]).class,
      'code-bug',
      'a missing local file is the code’s problem',
    );
    assert.equal(
      classify([failure({ message: 'thrown: "Exceeded timeout of 5000 ms for a test.' })]).class,
      'code-bug',
      'a test that still times out once healing/infra raised its limit hangs',
    );
  });

  it('calls a test that passes on some reruns flaky, and says a test that never does is not', () => {
    const f = failure({ id: 'x', name: 'x', message: 'Expected values to be strictly equal', expected: '1', actual: '2' });
    const flaky = classify([f], '', { reruns: reruns('x', { runs: 3, passes: 1, actuals: ['2', '2'] }) });
    assert.equal(flaky.class, 'flaky');
    assert.match(flaky.evidence[0], /passed 1 of 3 reruns/);
    const stable = classify([f], '', { reruns: reruns('x', { runs: 3, passes: 0, actuals: ['2', '2', '2'] }) });
    assert.equal(stable.class, 'code-bug');
    assert.match(stable.evidence.join(' '), /failed on all 3 reruns/);
  });

  it('prefers a known cause of flakiness over the flaky label', () => {
    const f = failure({ id: 'x', name: 'x', message: 'x', expected: '1795613186523', actual: '1795613186524' });
    const c = classify([f], '', { reruns: reruns('x', { runs: 3, passes: 2, actuals: ['1795613186524'] }) });
    assert.equal(c.class, 'brittle-assertion');
    assert.match(c.evidence.join(' '), /passed 2 of 3 reruns/);
  });

  it('recognises an expected value that pins a date where the actual value holds today', () => {
    const now = new Date('2026-12-06T10:00:00Z');
    assert.deepEqual(pinnedClock({ expected: "'Sales — 2024-03-01'", actual: "'Sales — 2026-12-06'" }, now), { pinned: '2024-03-01', current: '2026-12-06' });
    assert.deepEqual(pinnedClock({ expected: '2024-03-01T09:30:00.000Z', actual: '2026-12-06T09:59:58.120Z' }, now), {
      pinned: '2024-03-01T09:30:00.000Z',
      current: '2026-12-06T09:59:58.120Z',
    });
    assert.deepEqual(pinnedClock({ expected: '1709251200000', actual: String(now.getTime()) }, now), {
      pinned: '1709251200000',
      current: String(now.getTime()),
    });
    assert.equal(pinnedClock({ expected: "'Sales — 2024-03-01'", actual: "'Sales — 2024-03-02'" }, now), undefined, 'another fixed date is not the clock');
    assert.equal(pinnedClock({ expected: "'Sales — 2024-03-01'", actual: "'Sale — 2026-12-06'" }, now), undefined, 'more than the date differs');
  });

  it('calls a test pinned to a date brittle only when the code reads the clock and the test does not hand it the date', () => {
    const now = new Date('2026-12-06T10:00:00Z');
    const pinned = failure({ message: 'Expected values to be strictly equal', expected: "'Sales — 2024-03-01'", actual: "'Sales — 2026-12-06'" });
    const test = "assert.strictEqual(header('Sales'), 'Sales — 2024-03-01');";
    const code = 'const header = (t) => `${t} — ${new Date().toISOString().slice(0, 10)}`;';
    const c = classify([pinned], '', { now, sources: { 'test/a.test.js': test, 'src/report.js': code } });
    assert.equal(c.class, 'brittle-assertion');
    assert.equal(
      c.evidence[0],
      'the expected value pins the date 2024-03-01, the code printed the current one (2026-12-06), and the code reads the clock (new Date() in src/report.js): the test only passed on that day',
    );
    assert.equal(
      classify([pinned], '', { now, sources: { 'test/a.test.js': test, 'src/report.js': 'const header = (t, day) => `${t} — ${day}`;' } }).class,
      'code-bug',
      'the code does not read the clock',
    );
    const handed = "assert.strictEqual(header('Sales', new Date('2024-03-01')), 'Sales — 2024-03-01');";
    assert.equal(
      classify([pinned], '', { now, sources: { 'test/a.test.js': handed, 'src/report.js': code } }).class,
      'code-bug',
      'the test gives the code that date; ignoring it is a bug in the code',
    );
  });

  it('floatNoise ignores values that are not numbers', () => {
    assert.ok(!floatNoise({ expected: "'0.15'", actual: "'0.150000001'" }));
  });
});

describe('classificationSources', () => {
  it('reads the failing test file and the local modules it imports', async () => {
    const dir = makeProject(
      {
        'test/a.test.js': "const { f } = require('../src/f');\nconst x = require('lodash');\n",
        'src/f.js': 'module.exports = { f: () => Object.keys({}) };\n',
      },
      { commit: false },
    );
    const sources = await classificationSources(dir, [failure({ message: 'x' })], (rel) => fs.readFile(path.join(dir, rel), 'utf8').catch(() => undefined));
    assert.deepEqual(Object.keys(sources).sort(), ['src/f.js', 'test/a.test.js']);
  });
});
