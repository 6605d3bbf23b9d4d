import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeToDigits, tolerance } from '../../../../src/core/healing/tests/assertions';
import { exampleProject, fingerprint, makeProject } from '../../../helpers/repo';
import { healTestsIn } from './heal';

const NODE = '{"scripts":{"test":"node --test"}}';

describe('brittle assertions', () => {
  it('heals the brittle-assertion example with a 1e-9 tolerance, verified, labelled as a test edit', async () => {
    const dir = exampleProject('brittle-assertion');
    const before = fingerprint(dir);
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'brittle-assertion');
    assert.ok(healed.found, healed.reason);
    assert.match(healed.after['test/stats.test.js'], /assert\.ok\(Math\.abs\(mean\(\[0\.1, 0\.2\]\) - 0\.15\) <= 1e-9, 'mean\(\[0\.1, 0\.2\]\) ≈ 0\.15'\);/);
    assert.deepEqual(healed.found.comparison.evidence.targeted, { passed: 1, total: 1 });
    assert.deepEqual(healed.found.candidate.labels, ['test edit']);
    const guard = healed.found.comparison.evidence.guards?.find((g) => g.guard === 'test-weakening');
    assert.equal(guard?.label, undefined, 'a tight tolerance does not weaken the test');
    assert.equal(fingerprint(dir), before, "the user's files are untouched");
  });

  it('uses toBeCloseTo with nine digits under jest', async () => {
    const dir = makeProject(
      {
        'package.json': '{"scripts":{"test":"jest"}}',
        'avg.test.js': "const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;\ntest('avg', () => {\n  expect(avg([0.1, 0.2])).toBe(0.15);\n});\n",
      },
      { linkNodeModules: true },
    );
    const healed = await healTestsIn(dir);
    assert.ok(healed.found, healed.reason);
    assert.match(healed.after['avg.test.js'], /expect\(avg\(\[0\.1, 0\.2\]\)\)\.toBeCloseTo\(0\.15, 9\);/);
  });

  it('compares an unordered result as sorted arrays, and nothing weaker', async () => {
    const dir = makeProject({
      'package.json': NODE,
      'src/tags.js': 'function tags(counts) {\n  return Object.keys(counts);\n}\nmodule.exports = { tags };\n',
      'test/tags.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { tags } = require('../src/tags');\n\ntest('lists the tags', () => {\n  assert.deepStrictEqual(tags({ 2: 1, b: 1, 1: 1 }), ['b', '1', '2']);\n});\n",
    });
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'brittle-assertion', healed.diagnosis.evidence.join());
    assert.ok(healed.found, healed.reason);
    assert.match(
      healed.after['test/tags.test.js'],
      /assert\.deepStrictEqual\(\[\.\.\.tags\(\{ 2: 1, b: 1, 1: 1 \}\)\]\.sort\(\), \[\.\.\.\['b', '1', '2'\]\]\.sort\(\)\);/,
    );
    assert.equal(healed.found.comparison.evidence.guards?.[0].label, undefined);
  });

  it('freezes the clock for a node:test test that reads it twice', async () => {
    const dir = makeProject({
      'package.json': NODE,
      'src/stamp.js': 'function stamp(event) {\n  return { event, at: Date.now() };\n}\nmodule.exports = { stamp };\n',
      'test/stamp.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { stamp } = require('../src/stamp');\n\ntest('stamps the time', async () => {\n  const now = Date.now();\n  await new Promise((resolve) => setTimeout(resolve, 5));\n  assert.strictEqual(stamp('x').at, now);\n});\n",
    });
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'brittle-assertion', healed.diagnosis.evidence.join());
    assert.ok(healed.found, healed.reason);
    assert.match(
      healed.after['test/stamp.test.js'],
      /test\('stamps the time', async \(t\) => \{\n {2}t\.mock\.timers\.enable\(\{ apis: \['Date'\], now: Date\.now\(\) \}\);\n {2}const now/,
    );
  });

  it('freezes only Date under jest, and restores real timers', async () => {
    const dir = makeProject(
      {
        'package.json': '{"scripts":{"test":"jest"}}',
        'clock.test.js':
          "test('two readings agree', async () => {\n  const a = Date.now();\n  await new Promise((resolve) => setTimeout(resolve, 5));\n  expect(Date.now()).toBe(a);\n});\n",
      },
      { linkNodeModules: true },
    );
    const healed = await healTestsIn(dir);
    assert.ok(healed.found, healed.reason);
    assert.match(
      healed.after['clock.test.js'],
      /jest\.useFakeTimers\(\{ now: Date\.now\(\), doNotFake: \[.*'setTimeout'.*\] \}\);\n {2}try \{\n {4}const a = Date\.now\(\);[\s\S]*\} finally \{\n {4}jest\.useRealTimers\(\);\n {2}\}\n\}\);/,
    );
  });

  it('picks tolerances at 1e-9 relative', () => {
    assert.equal(tolerance(0.15), '1e-9');
    assert.equal(tolerance(2500), '0.0000025');
    assert.equal(closeToDigits(0.15), 9);
    assert.equal(closeToDigits(2500), 6);
  });
});
