import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate, Evidence } from '../../../src/core/model';
import { Failure } from '../../../src/core/model';
import { attachGuard } from '../../../src/core/guards';
import { weakeningGuard, WEAKENS } from '../../../src/core/guards/weakening';

const FILE = 'test/stats.test.js';
const BEFORE = `const test = require('node:test');
const assert = require('node:assert');
const { mean, tags } = require('../src/stats');

test('mean of decimals', () => {
  assert.strictEqual(mean([0.1, 0.2]), 0.15);
  assert.ok(Number.isFinite(mean([1])));
});

test('tags', () => {
  assert.deepStrictEqual(tags(), ['a', 'b']);
});
`;

/** A candidate that replaces the whole test file with `after`. */
const rewrite = (after: string, file = FILE, before = BEFORE): Candidate => ({
  id: 'c',
  engine: 'llm',
  operator: 'x',
  summary: 's',
  edits: [{ file, start: 0, end: before.length, newText: after }],
  cost: 0,
  editsTests: true,
});
const judge = async (after: string, failures: Failure[] = []) => weakeningGuard(rewrite(after), { [FILE]: BEFORE }, failures);

describe('weakeningGuard', () => {
  it('ignores candidates that edit no test file', async () => {
    assert.equal(await weakeningGuard(rewrite('x', 'src/stats.js', 'y'), { 'src/stats.js': 'y' }), undefined);
  });

  it('finds a removed assertion', async () => {
    const report = await judge(BEFORE.replace('  assert.ok(Number.isFinite(mean([1])));\n', ''));
    assert.equal(report?.label, WEAKENS);
    assert.match(report!.findings[0], /removes 1 assertion\(s\): assert\.ok/);
  });

  it('finds .skip, .only and todo', async () => {
    for (const after of [
      BEFORE.replace("test('tags'", "test.skip('tags'"),
      BEFORE.replace("test('tags'", "test.only('tags'"),
      BEFORE.replace("test('tags', ()", "test('tags', { todo: true }, ()"),
    ]) {
      const report = await judge(after);
      assert.equal(report?.label, WEAKENS, after);
      assert.match(report!.findings.join('\n'), /adds \.skip\/\.only\/\.todo/);
    }
  });

  it('finds an expected value replaced by the value the code produced', async () => {
    const failures = [Failure.parse({ id: 'mean of decimals', name: 'mean of decimals', message: 'x', expected: '0.15', actual: '0.15000000000000002' })];
    const report = await judge(BEFORE.replace('0.15);', '0.15000000000000002);'), failures);
    assert.equal(report?.label, WEAKENS);
    assert.match(report!.findings[0], /replaces the expected value 0\.15 with 0\.15000000000000002 — the value the code produced/);
  });

  it('finds a broadened matcher, an inverted one and a dropped error check', async () => {
    assert.match(
      (await judge(BEFORE.replace('assert.deepStrictEqual(tags()', 'assert.deepEqual(tags()')))!.findings[0],
      /broadens a matcher \(deepStrictEqual → deepEqual\)/,
    );
    const jest = "test('t', () => {\n  expect(f()).toStrictEqual({ a: 1 });\n  expect(g).toThrow(/bad input/);\n  expect(h()).toBe(1);\n});\n";
    const weaker = jest
      .replace('toStrictEqual', 'toMatchObject')
      .replace('toThrow(/bad input/)', 'toThrow()')
      .replace('expect(h()).toBe', 'expect(h()).not.toBe');
    const report = await weakeningGuard(rewrite(weaker, 'a.test.js', jest), { 'a.test.js': jest });
    assert.deepEqual(
      report!.findings.map((f) => f.replace(/^in "t": /, '')),
      ['broadens a matcher (toStrictEqual → toMatchObject)', 'drops an argument of toThrow (accepts more)', 'inverts an assertion (toBe → not.toBe)'],
    );
  });

  it('finds an assertion moved inside try/catch', async () => {
    const report = await judge(
      BEFORE.replace("  assert.deepStrictEqual(tags(), ['a', 'b']);", "  try {\n    assert.deepStrictEqual(tags(), ['a', 'b']);\n  } catch {}"),
    );
    assert.equal(report?.label, WEAKENS);
    assert.match(report!.findings.join('\n'), /inside try\/catch/);
  });

  it('accepts the robust forms test healing makes: a 1e-9 tolerance and a sorted comparison', async () => {
    const robust = BEFORE.replace(
      'assert.strictEqual(mean([0.1, 0.2]), 0.15);',
      "assert.ok(Math.abs(mean([0.1, 0.2]) - 0.15) <= 1e-9, 'mean ≈ 0.15');",
    ).replace("assert.deepStrictEqual(tags(), ['a', 'b']);", "assert.deepStrictEqual([...tags()].sort(), [...['a', 'b']].sort());");
    const report = await judge(robust);
    assert.equal(report?.label, undefined, report?.findings.join('\n'));
    assert.equal(report!.findings.filter((f) => f.startsWith('note:')).length, 2);
  });

  it('calls a loose tolerance weakening: toBeCloseTo with two digits for an exact float check', async () => {
    const jest = "test('m', () => {\n  expect(mean([0.1, 0.2])).toBe(0.15);\n});\n";
    const loose = await weakeningGuard(rewrite(jest.replace('toBe(0.15)', 'toBeCloseTo(0.15)'), 'm.test.js', jest), { 'm.test.js': jest });
    assert.equal(loose?.label, WEAKENS);
    const tight = await weakeningGuard(rewrite(jest.replace('toBe(0.15)', 'toBeCloseTo(0.15, 9)'), 'm.test.js', jest), { 'm.test.js': jest });
    assert.equal(tight?.label, undefined);
  });

  it('notes a snapshot update without calling it weakening', async () => {
    const snap = 'exports[`a 1`] = `"old"`;\n';
    const candidate: Candidate = {
      ...rewrite('exports[`a 1`] = `"new"`;\n', 'test/__snapshots__/a.test.js.snap', snap),
      engine: 'test',
      labels: ['test edit', 'snapshot update'],
    };
    const report = await weakeningGuard(candidate, { 'test/__snapshots__/a.test.js.snap': snap });
    assert.equal(report?.label, undefined);
    assert.match(report!.findings[0], /replaces a stored snapshot with the current output/);
  });

  it('attaches the report to the evidence and the label to the candidate', async () => {
    const report = (await judge(BEFORE.replace("test('tags'", "test.skip('tags'")))!;
    const evidence: Evidence = { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } };
    const fix = { candidate: rewrite('x'), evidence };
    const guarded = attachGuard(fix, report);
    assert.deepEqual(guarded.candidate.labels, [WEAKENS]);
    assert.equal(guarded.evidence.guards?.[0].guard, 'test-weakening');
    assert.equal(fix.candidate.labels, undefined, 'the input is not changed');
  });
});
