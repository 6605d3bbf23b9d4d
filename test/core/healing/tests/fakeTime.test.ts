import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { healWorkspace } from '../../../../src/core/heal';
import { applyEdits } from '../../../../src/core/edits';
import { fakeTimeCandidate, pinnedAt } from '../../../../src/core/healing/tests/fakeTime';
import { assertionsIn } from '../../../../src/core/analysis/testAst';
import { initTreeSitter, withTree } from '../../../../src/core/analysis/treeSitter';
import type { Failure } from '../../../../src/core/model';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import { fingerprint, makeProject } from '../../../helpers/repo';
import { testProblemProject } from './heal';

const REPORT = 'function header(title) {\n  return `${title} — ${new Date().toISOString().slice(0, 10)}`;\n}\nmodule.exports = { header };\n';

/** The pinned-date test, per runner: the assertion, then a second test that must see the real clock again. */
const PINNED: Record<'jest' | 'vitest' | 'mocha', { command: string; file: string; text: string }> = {
  jest: {
    command: 'jest',
    file: 'report.test.js',
    text: "const { header } = require('./report');\n\ntest('header names the day', () => {\n  expect(header('Sales')).toBe('Sales — 2024-03-01');\n});\n\ntest('the clock is real again', () => {\n  expect(new Date().getFullYear()).toBeGreaterThan(2024);\n});\n",
  },
  vitest: {
    command: 'vitest run',
    file: 'report.test.js',
    text: "import { expect, test } from 'vitest';\nimport { header } from './report';\n\ntest('header names the day', () => {\n  expect(header('Sales')).toBe('Sales — 2024-03-01');\n});\n\ntest('the clock is real again', () => {\n  expect(new Date().getFullYear()).toBeGreaterThan(2024);\n});\n",
  },
  mocha: {
    command: 'mocha report.test.js',
    file: 'report.test.js',
    text: "const assert = require('node:assert');\nconst { header } = require('./report');\n\nit('header names the day', () => {\n  assert.strictEqual(header('Sales'), 'Sales — 2024-03-01');\n});\n\nit('the clock is real again', () => {\n  assert.ok(new Date().getFullYear() > 2024);\n});\n",
  },
};

describe('fake time for a test pinned to a date', () => {
  it('heals the pinned-date fixture by setting the clock to the pinned day for that test, and never tries a code edit', async () => {
    const dir = testProblemProject('pinned-date');
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    const [heal] = report.heals;
    assert.equal(heal.diagnosis.class, 'brittle-assertion', heal.diagnosis.evidence.join());
    assert.match(
      heal.diagnosis.evidence[0],
      /pins the date 2024-03-01, the code printed the current one \(\d{4}-\d\d-\d\d\), and the code reads the clock \(new Date\(\) in src\/report\.js\)/,
    );
    assert.ok(heal.fix, heal.reason);
    assert.deepEqual(Object.keys(heal.fix.after), ['test/report.test.js'], 'only the test is edited');
    assert.match(
      heal.fix.after['test/report.test.js'],
      /test\('header names the report and the day', \(t\) => \{\n {2}t\.mock\.timers\.enable\(\{ apis: \['Date'\], now: new Date\('2024-03-01T12:00:00\.000Z'\) \}\);\n {2}assert\.strictEqual\(header\('Sales'\), 'Sales — 2024-03-01'\);/,
    );
    assert.equal(heal.fix.candidate.engine, 'test');
    assert.deepEqual(heal.fix.candidate.labels, ['test edit']);
    assert.deepEqual(heal.fix.evidence.targeted, { passed: 1, total: 1 });
    assert.deepEqual(heal.fix.evidence.suite.newlyFailing, []);
    assert.deepEqual(
      heal.tried.map((v) => v.summary),
      ['Set the clock (Date) to 2024-03-01 for this test, the day its expected value pins, instead of today'],
      'no code edit was tried',
    );
    assert.equal(fingerprint(dir), before);
  });

  for (const [runner, project] of Object.entries(PINNED) as Array<[Failure['runner'], (typeof PINNED)['jest']]>) {
    it(`fakes Date under ${runner} so the pinned test passes and the next test sees the real clock`, async () => {
      await initTreeSitter();
      const dir = makeProject(
        {
          'package.json': `{"type":"${runner === 'vitest' ? 'module' : 'commonjs'}","scripts":{"test":"${project.command}"}}`,
          'report.js': runner === 'vitest' ? REPORT.replace('module.exports = { header };', 'export { header };') : REPORT,
          [project.file]: project.text,
        },
        { linkNodeModules: true },
      );
      const tests = new ProcessTestRunner();
      const unhealed = await tests.run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
      assert.deepEqual(
        unhealed.outcomes.map((o) => o.status),
        ['failed', 'passed'],
        'the pinned test fails on any other day',
      );
      const candidate = await withTree(project.file, project.text, (tree) =>
        fakeTimeCandidate(project.file, project.text, tree.rootNode, assertionsIn(tree.rootNode)[0], runner, pinnedAt('2024-03-01')),
      );
      assert.ok(candidate);
      const healed = applyEdits(project.text, candidate.edits);
      fs.writeFileSync(path.join(dir, project.file), healed);
      const run = await tests.run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
      assert.equal(run.exitCode, 0, run.output);
      assert.deepEqual(
        run.outcomes.map((o) => o.status),
        ['passed', 'passed'],
      );
      assert.match(healed, /'Sales — 2024-03-01'/, 'the assertion is unchanged');
    });
  }
});
