/**
 * The BugsJS harness (bench/bugsjs) on a tiny BugsJS-shaped repository built here: `Bug-1-test`
 * (a one-line bug and the node:test test that reveals it) and `Bug-1-full` (the fix) as sibling
 * commits, like BugsJS tags them. No network: the project has no dependencies to install. It
 * checks discovery, materialization without history, reference outcomes, grading and the oracle
 * server end to end; it does not measure Self-Heal (npm run bench does).
 */
import assert from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ProcessTestRunner } from '../../src/core/verify/testRunner';
import { dependencyChangesOf, hunksOf, oracleReply, referenceFix } from '../../bench/bugsjs/fix';
import {
  adoptDependencies,
  discoverBugs,
  installDependencies,
  materialize,
  openProject,
  reachable,
  tagCommit,
  type BugsJsProject,
} from '../../bench/bugsjs/project';
import { referenceOutcomes, repaired, uncleanIds, type ReferenceOutcomes } from '../../bench/bugsjs/reference';
import type { TestRun } from '../../src/core/model';
import { runBug, suiteDoesNotRun } from '../../bench/bugsjs/runBug';
import { formatBugsJs } from '../../bench/bugsjs/suite';

const exec = promisify(execFile);

const BUGGY = 'function add(a, b) {\n  return a - b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n';
const TESTS = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const { add, mul } = require('../lib/math');",
  "test('add sums two numbers', () => assert.strictEqual(add(2, 3), 5));",
  "test('mul multiplies two numbers', () => assert.strictEqual(mul(2, 3), 6));",
  '',
].join('\n');

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd });
  return stdout.trim();
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
}

/** A BugsJS-shaped repository: a release, then Bug-1-test and Bug-1-full as its two children; Bug-2-test has no fix tag. */
async function bugsJsRepo(root: string): Promise<string> {
  const dir = path.join(root, 'tiny-project');
  await fs.mkdir(dir);
  await git(dir, 'init', '-q', '-b', 'main');
  await write(dir, { 'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', scripts: { test: 'node --test' } }, null, 2), 'lib/math.js': BUGGY });
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'release');
  await write(dir, { 'test/math.test.js': TESTS });
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'Bug-1 test');
  await git(dir, 'tag', 'Bug-1-test');
  await git(dir, 'tag', 'Bug-2-test');
  await git(dir, 'checkout', '-q', '-b', 'fix', 'HEAD~1');
  await write(dir, { 'test/math.test.js': TESTS, 'lib/math.js': BUGGY.replace('a - b', 'a + b') });
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'Bug-1 full');
  await git(dir, 'tag', 'Bug-1-full');
  return dir;
}

describe('BugsJS harness', () => {
  let root: string;
  let project: BugsJsProject;

  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-bugsjs-test-')));
    project = await openProject(await bugsJsRepo(root));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('finds the bugs from the tags, keeping only those with both a test and a full tag', async () => {
    assert.strictEqual(project.name, 'tiny-project');
    assert.deepStrictEqual(await discoverBugs(project), [{ number: 1, buggyTag: 'Bug-1-test', fixedTag: 'Bug-1-full' }]);
  });

  it('refuses a folder that is not a git repository, in plain words', async () => {
    await assert.rejects(openProject(root), /is not a git repository/);
  });

  it('materializes a tag without its history, so the fix cannot be reached', async () => {
    const buggy = await materialize(project, 'Bug-1-test', 'spec');
    try {
      assert.strictEqual(await fs.readFile(path.join(buggy.dir, 'lib/math.js'), 'utf8'), BUGGY);
      assert.strictEqual(await git(buggy.dir, 'rev-list', '--count', 'HEAD'), '1');
      assert.strictEqual(await reachable(buggy.dir, await tagCommit(project, 'Bug-1-full')), false, 'the fix commit is in the materialized repository');
      assert.strictEqual(
        await reachable(buggy.dir, await tagCommit(project, 'Bug-1-test')),
        false,
        'the tag commit (and its history) is in the materialized repository',
      );
      assert.strictEqual(await git(buggy.dir, 'status', '--porcelain'), '');
      assert.strictEqual(await installDependencies(buggy.dir, path.join(root, 'cache'), 60_000), undefined, 'a project without dependencies needs no install');
    } finally {
      await buggy.dispose();
    }
  });

  it("installs the buggy tree with the fixed version's dependency ranges, keeping its own scripts, one commit and a clean tree", async () => {
    const buggy = await materialize(project, 'Bug-1-test', 'adopt-buggy');
    const fixed = await materialize(project, 'Bug-1-full', 'adopt-fixed');
    try {
      await write(buggy.dir, {
        'package.json': JSON.stringify({ name: 'tiny', scripts: { test: 'node --test' }, devDependencies: { helper: '~2.0.6', old: '1' } }),
      });
      await git(buggy.dir, 'commit', '-q', '-a', '-m', 'buggy manifest');
      await write(fixed.dir, {
        'package.json': JSON.stringify({ name: 'tiny', scripts: { test: 'mocha' }, devDependencies: { helper: '~2.3.5' } }),
        'package-lock.json': '{"lockfileVersion": 3}\n',
      });
      const commits = await git(buggy.dir, 'rev-list', '--count', 'HEAD');
      assert.strictEqual(await adoptDependencies(buggy.dir, fixed.dir), true);
      const pkg = JSON.parse(await fs.readFile(path.join(buggy.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.deepStrictEqual(pkg.devDependencies, { helper: '~2.3.5' });
      assert.deepStrictEqual(pkg.scripts, { test: 'node --test' }, "the buggy version's test command is the one measured");
      assert.strictEqual(await fs.readFile(path.join(buggy.dir, 'package-lock.json'), 'utf8'), '{"lockfileVersion": 3}\n');
      assert.strictEqual(await git(buggy.dir, 'status', '--porcelain'), '', 'the adopted ranges are committed, not left as a change for the heal to carry');
      assert.strictEqual(await git(buggy.dir, 'rev-list', '--count', 'HEAD'), commits, 'the commit is amended, so no history is added');
      assert.strictEqual(await adoptDependencies(buggy.dir, fixed.dir), false, 'the same ranges: nothing to change');
    } finally {
      await buggy.dispose();
      await fixed.dispose();
    }
  });

  it('finds the revealing test from runs of the buggy and the fixed version, and grades a run with the fix as repaired', async () => {
    const buggy = await materialize(project, 'Bug-1-test', 'ref-buggy');
    const fixed = await materialize(project, 'Bug-1-full', 'ref-fixed');
    try {
      const runner = new ProcessTestRunner();
      const reference = await referenceOutcomes({ runner, command: 'node --test', buggyDir: buggy.dir, fixedDir: fixed.dir, runs: 2, timeoutMs: 60_000 });
      assert.strictEqual(reference.revealing.length, 1, JSON.stringify(reference.revealing));
      assert.match(reference.revealing[0], /add sums two numbers/);
      assert.ok(
        reference.stablePassing.some((id) => /mul multiplies/.test(id)),
        JSON.stringify(reference.stablePassing),
      );
      assert.deepStrictEqual(reference.excused, []);
      assert.strictEqual(reference.revealingFailures.length, 1);
      assert.strictEqual(reference.suiteMs.length, 2);
      assert.strictEqual(repaired(reference, reference.fixedRuns[0]).repaired, true);
      const stillBuggy = repaired(reference, reference.buggyRuns[0]);
      assert.strictEqual(stillBuggy.repaired, false);
      assert.deepStrictEqual(stillBuggy.stillFailing, reference.revealing);
    } finally {
      await buggy.dispose();
      await fixed.dispose();
    }
  });

  /** One reference run of a project that is only a test script (the same folder stands for buggy and fixed). */
  const referenceOfScript = async (dir: string, test: string): Promise<ReferenceOutcomes> => {
    await write(dir, { 'package.json': JSON.stringify({ scripts: { test } }) });
    return referenceOutcomes({ runner: new ProcessTestRunner(), command: 'npm test', buggyDir: dir, fixedDir: dir, runs: 1, timeoutMs: 60_000 });
  };

  it('says why a bug is skipped when its suite runs no test on either version (old tooling on this Node)', async () => {
    const dir = path.join(root, 'no-run');
    const reference = await referenceOfScript(dir, 'node -e "throw new ReferenceError(\'primordials is not defined\')"');
    assert.deepStrictEqual(reference.revealing, []);
    assert.match(suiteDoesNotRun(reference) ?? '', /runs no test on either version here \(.*ReferenceError: primordials is not defined/);
  });

  it('says so when the suite does not run because its test script installs packages and test runs are offline', async () => {
    const dir = path.join(root, 'installs-in-test');
    // What `make test-all` printed for a project whose test target runs npm install first.
    const npmOffline = "console.error('npm error code ENOTCACHED'); console.error('make: *** [Makefile:8: install] Error 1'); process.exit(2)";
    const reference = await referenceOfScript(dir, `node -e "${npmOffline}"`);
    assert.match(suiteDoesNotRun(reference) ?? '', /runs npm install itself, which needs the network/);
  });

  it('counts test ids that carry stderr noise (node and npm warnings, escapes) as unclean', () => {
    const run = (ids: string[]): TestRun => ({
      outcomes: ids.map((id) => ({ id, status: 'passed' as const })),
      failures: [],
      exitCode: 0,
      timedOut: false,
      ms: 1,
      output: '',
    });
    assert.deepStrictEqual(uncleanIds(run(['map.test.js > should read java.util.HashMap', 'Hexo Helpers toc > default'])), []);
    const noisy = [
      'npm warn install-scripts Run `npm install-scripts ls` to review. test/decode.test.js > v1 decode()',
      '(node:123) [DEP0005] DeprecationWarning: Buffer() is deprecated req .protocol',
    ];
    assert.deepStrictEqual(uncleanIds(run(noisy)), noisy);
  });

  it('writes the reference fix as range edits that rebuild the fixed file, naming the changed function', async () => {
    const fix = await referenceFix(project, { number: 1, buggyTag: 'Bug-1-test', fixedTag: 'Bug-1-full' });
    assert.deepStrictEqual(fix.notExpressible, [], 'the test file is the same in both tags');
    assert.deepStrictEqual(
      fix.changedFunctions.map((f) => `${f.file}:${f.name}`),
      ['lib/math.js:add'],
    );
    const shown = '### lib/math.js — function `add`, lines 1–3\n```js\n…\n```';
    assert.deepStrictEqual(oracleReply(fix, shown).edits, [{ file: 'lib/math.js', range: { startLine: 2, endLine: 2 }, newText: '  return a + b;' }]);
    assert.ok(oracleReply(fix, '(no functions shown)').edits[0].outOfScopeReason, 'a hunk outside the shown functions says why, as the system prompt asks');
  });

  it('names the dependency upgrades a fix makes in package.json, which no source edit can make', () => {
    const pkg = (deps: Record<string, string>, dev: Record<string, string>, version = '1.0.0'): string =>
      JSON.stringify({ name: 'p', version, dependencies: deps, devDependencies: dev });
    assert.deepStrictEqual(
      dependencyChangesOf(
        pkg({ debug: '^2' }, { 'js-to-java': '~2.0.6', mocha: '*' }),
        pkg({ debug: '^2', lodash: '^4' }, { 'js-to-java': '~2.3.5' }, '1.0.1'),
      ),
      ['js-to-java ~2.0.6 → ~2.3.5', 'mocha * → (removed)', 'lodash (none) → ^4'],
    );
    assert.deepStrictEqual(dependencyChangesOf(pkg({ debug: '^2' }, {}), pkg({ debug: '^2' }, {}, '2.0.0')), [], 'a version bump alone changes no install');
  });

  it('turns pure insertions and deletions into whole-line replacements that rebuild the fixed text', () => {
    const rebuild = (buggy: string, fixed: string): string => {
      const lines = buggy.split('\n');
      for (const h of [...hunksOf(buggy, fixed)].reverse()) lines.splice(h.from, h.to - h.from, ...h.lines);
      return lines.join('\n');
    };
    const buggy = 'a\nb\nc\nd\n';
    for (const fixed of ['x\na\nb\nc\nd\n', 'a\nb\nc\nd\ne\n', 'a\nc\nd\n', 'b\nc\nd\n', 'a\nB\nc\nd\nnew\n']) {
      assert.strictEqual(rebuild(buggy, fixed), fixed);
      assert.ok(
        hunksOf(buggy, fixed).every((h) => h.to > h.from && h.lines.length > 0),
        `an empty side in ${JSON.stringify(fixed)}`,
      );
    }
  });

  it(
    'runs a bug end to end: ran, localized, healed offline, and the oracle model fix accepted, verified, offered and exact',
    { timeout: 600_000 },
    async () => {
      const result = await runBug(
        project,
        { number: 1, buggyTag: 'Bug-1-test', fixedTag: 'Bug-1-full' },
        { cacheDir: path.join(root, 'cache'), referenceRuns: 2, healTimeoutMs: 240_000, installTimeoutMs: 60_000 },
      );
      assert.strictEqual(result.status, 'ran', result.error ?? result.skipReason);
      assert.strictEqual(result.ran, true, result.ranProblem);
      assert.strictEqual(result.localization?.localized, true, JSON.stringify(result.localization));
      assert.strictEqual(result.localization?.found, 'lib/math.js:add');
      assert.strictEqual(result.offline?.plausible, true, result.offline?.reason ?? result.offline?.error);
      assert.strictEqual(result.offline?.repaired, true);
      const oracle = result.oracle!;
      assert.strictEqual(oracle.requests, 1);
      assert.deepStrictEqual([oracle.accepted, oracle.plausible, oracle.exact, oracle.repaired], [true, true, true, true], oracle.reason ?? oracle.error);
      assert.ok(oracle.verifiedMs !== undefined && oracle.verifiedMs <= oracle.ms, 'the time to the verified fix is part of the heal');
      const table = formatBugsJs('tiny-project', 'test', [result]);
      assert.match(table, /pipeline ceiling \(oracle model\): accepted 1\/1, verified and offered 1\/1 = 100%/);
      assert.match(table, /localized: 1\/1 = 100%/);
    },
  );
});
