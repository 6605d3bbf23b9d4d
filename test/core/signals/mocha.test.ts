import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Failure } from '../../../src/core/model';
import { REPORT_FILE_ENV, reportersDir } from '../../../src/core/runners';
import { parseReportFile } from '../../../src/core/signals/index';
import { parseMocha, parseMochaJson, parseMochaSpec } from '../../../src/core/signals/mocha';
import { MOCHA_BIN, copyProject, recorded, recordedRoot, run } from './runnerOutputs';

const root = recordedRoot('mocha');
const spec = parseMochaSpec(recorded('mocha/spec.txt'), root);
const json = parseMochaJson(JSON.parse(recorded('mocha/report.json')), root);

const failure = (failures: Failure[], id: string): Failure => {
  const found = failures.find((f) => f.id === id);
  assert.ok(found, `no failure ${id} among ${failures.map((f) => f.id).join(', ')}`);
  return found;
};

/** Mocha lists top-level tests first, then suites; nested suite titles join with spaces. */
const OUTCOMES = [
  { id: 'adds at top level', status: 'failed' },
  { id: 'math > multiplies', status: 'passed' },
  { id: 'math > adds', status: 'failed' },
  { id: 'math > divides', status: 'skipped' },
  { id: 'outer inner > works', status: 'passed' },
  { id: 'outer inner > throws', status: 'failed' },
  { id: 'outer inner > compares lines', status: 'failed' },
  { id: 'hooks > "before all" hook for "never runs"', status: 'failed' },
];

/** The file each of OUTCOMES is in, which mocha's JSON report names and its spec output does not. */
const FILES = [...Array<string>(4).fill('math.test.js'), ...Array<string>(4).fill('nested.test.js')];
const idAndStatus = ({ id, status }: { id: string; status: string }) => ({ id, status });

describe('mocha spec reporter', () => {
  it('reads passing, failing and pending tests from the spec tree', () => {
    assert.deepEqual(spec.outcomes, OUTCOMES);
  });

  it('reads expected and actual from mocha\'s "+ expected - actual" diff', () => {
    const adds = failure(spec.failures, 'math > adds');
    assert.equal(adds.expected, '5');
    assert.equal(adds.actual, '-1');
    const lines = failure(spec.failures, 'outer inner > compares lines');
    assert.equal(lines.expected, 'a\nc');
    assert.equal(lines.actual, 'a\nb');
    const top = failure(spec.failures, 'adds at top level');
    assert.equal(top.expected, '{\n  "sum": 2\n}');
    assert.equal(top.actual, '{\n  "sum": 0\n}');
  });

  it('finds the file and line of a failure in its stack, relative to the workspace', () => {
    const adds = failure(spec.failures, 'math > adds');
    assert.equal(adds.file, 'math.test.js');
    assert.equal(adds.line, 9);
    assert.deepEqual(adds.stack[0], { file: 'math.test.js', line: 9, column: 12, fn: 'Context.<anonymous>' });
    assert.equal(adds.message, 'AssertionError: Expected values to be strictly equal:\n-1 !== 5');
    assert.equal(adds.runner, 'mocha');
  });

  it('reports a failing hook under the hook title mocha gives it', () => {
    const hook = failure(spec.failures, 'hooks > "before all" hook for "never runs"');
    assert.equal(hook.message, 'hook broke');
    assert.deepEqual([hook.file, hook.line], ['nested.test.js', 19]);
    assert.equal(failure(spec.failures, 'outer inner > throws').message, 'TypeError: boom');
  });

  it('reports a test file mocha could not load', () => {
    const broken = parseMocha(recorded('load-error/mocha.txt'), recordedRoot('load-error'));
    assert.deepEqual(broken.outcomes, [{ id: 'broken.test.js', status: 'failed' }]);
    assert.deepEqual(
      [broken.failures[0].file, broken.failures[0].line, broken.failures[0].message],
      ['broken.test.js', 2, "SyntaxError: Unexpected token ';'"],
    );
  });
});

describe('mocha json reporter', () => {
  it('gives the same ids and statuses as the spec reporter, and the file of every test', () => {
    assert.deepEqual(json.outcomes.map(idAndStatus), OUTCOMES);
    assert.deepEqual(
      json.outcomes.map((o) => o.file),
      FILES,
    );
  });

  it('gives the time of every test that ran, as the report says it', () => {
    const report = JSON.parse(recorded('mocha/report.json')) as { tests: Array<{ fullTitle: string; duration?: number }> };
    const ran = json.outcomes.filter((o) => o.status !== 'skipped');
    assert.ok(ran.length > 0 && ran.every((o) => typeof o.ms === 'number' && o.ms >= 0));
    assert.equal(
      json.outcomes.reduce((sum, o) => sum + (o.ms ?? 0), 0),
      report.tests.reduce((sum, t) => sum + (t.duration ?? 0), 0),
    );
  });

  it('gives the same failures as the spec reporter', () => {
    const summary = (f: Failure) => [f.id, f.name, f.file, f.line, f.message, f.expected, f.actual, f.stack[0]];
    assert.deepEqual(json.failures.map(summary), spec.failures.map(summary));
  });

  it('finds the report among other output printed to stdout', () => {
    const mixed = `console output from a test\n${recorded('mocha/report.json')}`;
    assert.deepEqual(parseMocha(mixed, root), json);
  });
});

describe('mocha, live', () => {
  const dir = copyProject('mocha');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses what mocha prints', () => {
    const live = parseMocha(run(dir, [MOCHA_BIN, 'math.test.js', 'nested.test.js']), dir);
    assert.deepEqual(live.outcomes, OUTCOMES);
    assert.deepEqual(
      live.failures.map((f) => [f.id, f.file, f.line]),
      spec.failures.map((f) => [f.id, f.file, f.line]),
    );
  });

  it("writes and parses the report of Self-Heal's own mocha reporter on mocha 11", () => {
    const out = path.join(dir, 'report.json');
    run(dir, [MOCHA_BIN, 'math.test.js', 'nested.test.js', '--reporter', path.join(reportersDir(), 'mocha.cjs')], { [REPORT_FILE_ENV]: out });
    const live = parseReportFile('mocha', fs.readFileSync(out, 'utf8'), dir);
    assert.deepEqual(live.outcomes.map(idAndStatus), OUTCOMES);
    assert.deepEqual(
      live.outcomes.map((o) => o.file),
      FILES,
    );
    assert.equal(failure(live.failures, 'math > adds').expected, '5');
  });
});
