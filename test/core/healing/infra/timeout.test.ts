import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../../src/core/edits';
import { runInfraEngine } from '../../../../src/core/healing/infra/engine';
import { findTimeoutSite, timeoutCandidates, timeoutLadder } from '../../../../src/core/healing/infra/timeout';
import type { TimeoutRunner } from '../../../../src/core/analysis/environment';
import { fingerprint, makeProject } from '../../../helpers/repo';
import { infraHarness } from './harness';

/** The text of `file` after the first candidate (the smallest raise) for a project made of `files`. */
async function firstRaise(
  runner: TimeoutRunner,
  ms: number,
  files: Record<string, string>,
  testFiles: string[] = [],
): Promise<{ file: string; text: string; summary: string; editsTests: boolean } | undefined> {
  const { candidates } = await timeoutCandidates(runner, ms, testFiles, (rel) => Promise.resolve(files[rel]));
  const c = candidates[0];
  if (!c) return undefined;
  const file = c.edits[0].file;
  return { file, text: applyEdits(files[file], c.edits), summary: c.summary, editsTests: c.editsTests };
}

describe('the test-timeout template', () => {
  it('raises the limit in steps, smallest first', () => {
    assert.deepEqual(timeoutLadder(2000), [4000, 10000, 20000]);
    assert.deepEqual(timeoutLadder(150), [300, 800, 2000]);
  });

  it("raises a test's own limit first, and says that it edits a test", async () => {
    const raised = await firstRaise(
      'node',
      200,
      { 'test/a.test.js': "test('slow', { timeout: 200 }, async () => {});\n", 'package.json': '{"scripts":{"test":"node --test --test-timeout=200"}}' },
      ['test/a.test.js'],
    );
    assert.equal(raised?.file, 'test/a.test.js');
    assert.equal(raised?.text, "test('slow', { timeout: 400 }, async () => {});\n");
    assert.equal(raised?.editsTests, true);
  });

  it('raises the flag in the test script, which overrides config files', async () => {
    const raised = await firstRaise('node', 1000, { 'package.json': '{\n  "scripts": { "test": "node --test --test-timeout=1000" }\n}\n' });
    assert.equal(raised?.text, '{\n  "scripts": { "test": "node --test --test-timeout=2000" }\n}\n');
    assert.equal(raised?.summary, 'raise the node time limit from 1000 ms to 2000 ms in the test script');
  });

  it("edits the runner's config file, keeping its comments", async () => {
    const raised = await firstRaise('mocha', 2000, {
      'package.json': '{"scripts":{"test":"mocha"}}',
      '.mocharc.jsonc': '{\n  // slow CI\n  "timeout": 2000,\n  "spec": "test"\n}\n',
    });
    assert.equal(raised?.text, '{\n  // slow CI\n  "timeout": 4000,\n  "spec": "test"\n}\n');
    const jest = await firstRaise('jest', 5000, {
      'package.json': '{"scripts":{"test":"jest"}}',
      'jest.config.js': "module.exports = {\n  testEnvironment: 'node',\n};\n",
    });
    assert.equal(jest?.text, "module.exports = {\n  testTimeout: 10000,\n  testEnvironment: 'node',\n};\n");
    const vitest = await firstRaise('vitest', 5000, {
      'package.json': '{"scripts":{"test":"vitest run"}}',
      'vitest.config.ts': 'export default defineConfig({ test: { testTimeout: 5000 } });\n',
    });
    assert.equal(vitest?.text, 'export default defineConfig({ test: { testTimeout: 10000 } });\n');
  });

  it('adds the key to package.json when the runner has no config file, else the flag to the script', async () => {
    const mocha = await firstRaise('mocha', 2000, { 'package.json': '{\n  "scripts": {\n    "test": "mocha"\n  }\n}\n' });
    assert.equal(mocha?.text, '{\n  "scripts": {\n    "test": "mocha"\n  },\n  "mocha": {\n    "timeout": 4000\n  }\n}\n');
    const node = await firstRaise('node', 1000, { 'package.json': '{"scripts":{"test":"node --test"}}' });
    assert.equal(node?.text, '{"scripts":{"test":"node --test --test-timeout=2000"}}');
  });

  it('says where it looked when it cannot find the limit', async () => {
    const { candidates, reason } = await timeoutCandidates('node', 1000, [], () => Promise.resolve(undefined));
    assert.deepEqual(candidates, []);
    assert.match(reason!, /Could not find where the node time limit of 1000 ms is set/);
    const files: Record<string, string> = { 'package.json': '{"scripts":{"test":"make check"}}', 'jest.config.js': 'module.exports = require("./base");\n' };
    assert.equal(
      await findTimeoutSite('jest', 5000, [], (rel) => Promise.resolve(files[rel])),
      undefined,
      'a config file it cannot edit, and a script that is not jest',
    );
  });
});

describe('the test-timeout template with real runs', () => {
  const project = (test: string): string =>
    makeProject(
      {
        'package.json': JSON.stringify({ scripts: { test: 'mocha' }, mocha: { timeout: 150 } }, null, 2) + '\n',
        'test/store.test.js': `const assert = require('node:assert');\ndescribe('store', () => {\n${test}\n  it('is fast', () => assert.ok(true));\n});\n`,
      },
      { linkNodeModules: true },
    );

  it('verifies the smallest higher limit with which a slow test passes, in the sandbox only', async () => {
    const dir = project("  it('loads slowly', async () => { await new Promise((r) => setTimeout(r, 300)); });");
    const before = fingerprint(dir);
    const h = await infraHarness(dir);
    try {
      const result = await runInfraEngine(h.input);
      assert.equal(result.problem?.kind, 'test-timeout');
      assert.ok(result.candidate, result.advice);
      assert.match(result.candidate.summary, /^raise the mocha time limit from 150 ms to (800|2000) ms in package\.json "mocha"$/);
      assert.deepEqual(h.verified, [result.candidate]);
      assert.deepEqual(
        result.files.map((f) => f.file),
        ['package.json'],
      );
    } finally {
      await h.dispose();
    }
    assert.equal(fingerprint(dir), before);
  });

  it('gives up on a test that never finishes, and says so', async () => {
    const h = await infraHarness(project("  it('hangs', () => new Promise(() => {}));"));
    try {
      const result = await runInfraEngine(h.input);
      assert.equal(result.candidate, undefined);
      assert.equal(result.tried, 3);
      assert.match(result.advice!, /With the mocha time limit raised up to 2000 ms the test still fails .* it probably never finishes/);
    } finally {
      await h.dispose();
    }
  });
});
