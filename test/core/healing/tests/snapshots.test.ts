import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { snapshotCandidates, snapshotEdits, updateCommand } from '../../../../src/core/healing/tests/snapshots';
import { applyEdits } from '../../../../src/core/edits';
import { silentLog } from '../../../../src/core/ports';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';
import { exampleProject, fingerprint, makeProject } from '../../../helpers/repo';
import { healTestsIn } from './heal';

const SOURCE = 'exports.label = (name, n) => `${name}: ${n} item(s)`;\n';
const tests = (imports: string): string => `${imports}
describe('labels', () => {
  test('one item', () => {
    expect(label('cart', 1)).toMatchSnapshot();
  });
  test('no items', () => {
    expect(label('cart', 0)).toMatchSnapshot();
  });
});
`;

/** Two stored snapshots, both outdated (the format changed); healing one must leave the other alone. */
function project(runner: 'jest' | 'vitest'): string {
  const header =
    runner === 'jest' ? '// Jest Snapshot v1, https://jestjs.io/docs/snapshot-testing' : '// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html';
  const snap = `${header}\n\nexports[\`labels > no items 1\`] = \`"cart: 0 items"\`;\n\nexports[\`labels > one item 1\`] = \`"cart: 1 items"\`;\n`;
  const files: Record<string, string> =
    runner === 'jest'
      ? {
          'package.json': '{"scripts":{"test":"jest"}}',
          'src/label.js': SOURCE,
          'test/label.test.js': tests("const { label } = require('../src/label');"),
          'test/__snapshots__/label.test.js.snap': snap.replace(/labels > /g, 'labels '),
        }
      : {
          'package.json': '{"type":"module","scripts":{"test":"vitest"}}',
          'src/label.js': SOURCE.replace('exports.label =', 'export const label ='),
          'test/label.test.js': tests("import { describe, test, expect } from 'vitest';\nimport { label } from '../src/label.js';"),
          'test/__snapshots__/label.test.js.snap': snap,
        };
  return makeProject(files, { linkNodeModules: true });
}

for (const runner of ['jest', 'vitest'] as const) {
  describe(`snapshotCandidates with ${runner}`, () => {
    it('updates one test’s snapshot with the runner’s own mechanism, as a candidate, and restores the file', async () => {
      const dir = project(runner);
      const snapFile = 'test/__snapshots__/label.test.js.snap';
      const original = fs.readFileSync(path.join(dir, snapFile), 'utf8');
      const baseline = await new ProcessTestRunner().run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
      const failing = baseline.failures.filter((f) => f.name === 'one item');
      assert.equal(failing.length, 1, baseline.output);
      const result = await snapshotCandidates(failing, { cwd: dir, command: 'npm test', timeoutMs: 60_000, log: silentLog });
      assert.deepEqual(result.notes, []);
      assert.equal(result.candidates.length, 1);
      const [candidate] = result.candidates;
      assert.deepEqual(candidate.labels, ['test edit', 'snapshot update']);
      assert.ok(candidate.editsTests);
      assert.match(candidate.summary, /one item 1/);
      assert.equal(fs.readFileSync(path.join(dir, snapFile), 'utf8'), original, 'the sandbox file is put back');
      const updated = applyEdits(original, candidate.edits);
      assert.match(updated, /one item 1`\] = `"cart: 1 item\(s\)"`/);
      assert.match(updated, /no items 1`\] = `"cart: 0 items"`/, 'the other snapshot is untouched');
      assert.equal(candidate.edits.length, 1);
    });
  });
}

describe('healTestProblem on an outdated snapshot', () => {
  it('heals the outdated-snapshot example with a verified snapshot update that needs confirmation', async () => {
    const dir = exampleProject('outdated-snapshot', { linkNodeModules: true });
    const before = fingerprint(dir);
    const healed = await healTestsIn(dir);
    assert.equal(healed.diagnosis.class, 'outdated-snapshot');
    assert.ok(healed.found, healed.reason);
    assert.deepEqual(Object.keys(healed.after), ['test/__snapshots__/format.test.js.snap']);
    assert.match(healed.after['test/__snapshots__/format.test.js.snap'], /exports\[`receipt line layout 1`\] = `"Coffee {5}3\.50 EUR"`;/);
    assert.deepEqual(healed.found.comparison.evidence.targeted, { passed: 1, total: 1 });
    assert.deepEqual(healed.found.candidate.labels, ['test edit', 'snapshot update']);
    assert.match(healed.found.comparison.evidence.guards?.[0].findings[0] ?? '', /^note: .*replaces a stored snapshot/);
    assert.equal(fingerprint(dir), before);
  });
});

describe('snapshot parts', () => {
  it('edits only the changed entries, in the original order', () => {
    const before = 'exports[`b 1`] = `"x"`;\n\nexports[`a 1`] = `"old"`;\n';
    const after = '// header\n\nexports[`a 1`] = `"new\nline"`;\n\nexports[`b 1`] = `"x"`;\n\nexports[`c 1`] = `1`;\n';
    const { edits, names } = snapshotEdits('s.snap', before, after);
    assert.deepEqual(names, ['a 1', 'c 1']);
    assert.equal(applyEdits(before, edits), 'exports[`b 1`] = `"x"`;\n\nexports[`a 1`] = `"new\nline"`;\n\nexports[`c 1`] = `1`;\n');
  });

  it('scopes the update to the test, per runner', () => {
    const failure = { id: 'test/a.test.js > suite > it (works)', file: 'test/a.test.js' };
    assert.equal(
      updateCommand({ command: 'jest', runner: 'jest', simple: true, env: {} }, 'test/a.test.js', failure, '/tmp/r.json'),
      "jest test/a.test.js -u -t '^suite it \\(works\\)$'",
    );
    assert.equal(
      updateCommand({ command: 'vitest', runner: 'vitest', simple: true, env: {} }, 'test/a.test.js', failure, '/tmp/r.json'),
      "vitest test/a.test.js --run -u -t '^suite > it \\(works\\)$' --reporter=json --outputFile=/tmp/r.json",
    );
    assert.equal(
      updateCommand({ command: 'node --test', runner: 'node', simple: true, env: {} }, 'test/a.test.js', failure, '/tmp/r.json'),
      "node --test --test-update-snapshots --test-name-pattern='^(?:.* )?it \\(works\\)$' test/a.test.js",
    );
    assert.deepEqual(updateCommand({ command: 'jest && eslint .', runner: 'jest', simple: false, env: {} }, 'a', failure, 'r'), {
      unsupported: 'the test command (jest && eslint .) is not a single runner call, so the update cannot be scoped to one test',
    });
  });
});
