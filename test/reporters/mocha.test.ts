/**
 * Self-Heal's mocha reporter, coverage per test: run by the user's own mocha (old and new), it
 * writes each test's V8 coverage apart, and only what the ranking reads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPORT_FILE_ENV, reportersDir } from '../../src/core/runners';
import { TEST_COVERAGE_DIR_ENV } from '../../src/core/runners/reportersDir';
import { makeProject, tempDir } from '../helpers/repo';
import { linkRunner, versionOf } from '../core/runners/runnerProjects';

const PROJECT = {
  'src/math.js': 'function double(x) {\n  return x * 2;\n}\nfunction half(x) {\n  return x / 2;\n}\nmodule.exports = { double, half };\n',
  'test/math.spec.js': [
    "const assert = require('node:assert');",
    "const { double, half } = require('../src/math');",
    "describe('math', () => {",
    "  it('doubles', () => assert.strictEqual(double(2), 4));",
    "  it('halves', () => assert.strictEqual(half(2), 3));",
    '});',
    '',
  ].join('\n'),
};

type Script = { url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> };

/** The project's mocha on `spec` with our reporter and coverage per test (`nodeFlags` before mocha): where its files went, and its exit status. */
function runMocha(dir: string, spec: string, nodeFlags: string[] = []): { out: string; status: number | null } {
  const out = tempDir();
  const { status } = spawnSync(
    process.execPath,
    [...nodeFlags, path.join(dir, 'node_modules', 'mocha', 'bin', '_mocha'), spec, '--reporter', path.join(reportersDir(), 'mocha.cjs')],
    {
      cwd: dir,
      env: {
        ...process.env,
        [REPORT_FILE_ENV]: path.join(out, 'report.json'),
        [TEST_COVERAGE_DIR_ENV]: path.join(out, 'tests'),
        NODE_V8_COVERAGE: path.join(out, 'raw'),
      },
      stdio: 'pipe',
    },
  );
  return { out, status };
}

describe('the mocha reporter, coverage per test', () => {
  for (const generation of ['current', 'old'] as const) {
    it(`writes each test's own coverage of the project's files, no dependency and no Node internal (mocha ${versionOf('mocha', generation)})`, () => {
      const dir = makeProject(PROJECT, { commit: false });
      linkRunner(dir, 'mocha', generation);
      const { out, status } = runMocha(dir, 'test/math.spec.js');
      assert.equal(status, 1, 'one test fails on purpose');
      const index = JSON.parse(fs.readFileSync(path.join(out, 'tests', 'index.json'), 'utf8')) as Array<{ n: number; fullTitle: string; state: string }>;
      assert.deepEqual(
        index.map((e) => [e.fullTitle, e.state]),
        [
          ['math doubles', 'passed'],
          ['math halves', 'failed'],
        ],
      );
      const ran = (n: number): string[] => {
        const scripts = (JSON.parse(fs.readFileSync(path.join(out, 'tests', `${n}.json`), 'utf8')) as { result: Script[] }).result;
        assert.ok(
          scripts.every((s) => s.url.startsWith('file://') && !s.url.includes('/node_modules/')),
          scripts.map((s) => s.url).join('\n'),
        );
        const math = scripts.find((s) => s.url.endsWith('/src/math.js'));
        return (math?.functions ?? []).filter((f) => f.functionName && f.ranges[0].count > 0).map((f) => f.functionName);
      };
      // Each test's counts start afresh: the second test did not run `double`.
      assert.deepEqual(ran(index[0].n), ['double']);
      assert.deepEqual(ran(index[1].n), ['half']);
    });
  }

  it('keeps a workspace package that the tests reach through a node_modules link', () => {
    const dir = makeProject(
      {
        'packages/words/index.js': 'exports.shout = (s) => s.toUpperCase();\n',
        'test/words.spec.js':
          "const assert = require('node:assert');\nconst { shout } = require('words');\nit('shouts', () => assert.strictEqual(shout('a'), 'A'));\n",
      },
      { commit: false },
    );
    linkRunner(dir, 'mocha', 'current');
    fs.symlinkSync(path.join(dir, 'packages', 'words'), path.join(dir, 'node_modules', 'words'), 'dir');
    // With symlinks preserved, Node names the package by its link, inside node_modules.
    const { out, status } = runMocha(dir, 'test/words.spec.js', ['--preserve-symlinks']);
    assert.equal(status, 0);
    const scripts = (JSON.parse(fs.readFileSync(path.join(out, 'tests', '0.json'), 'utf8')) as { result: Script[] }).result;
    assert.ok(
      scripts.some((s) => s.url.endsWith('/node_modules/words/index.js')),
      scripts.map((s) => s.url).join('\n'),
    );
    assert.ok(!scripts.some((s) => s.url.includes('/node_modules/mocha/')));
  });
});
