/**
 * Seeing through `make test` and `a && b` scripts to the runner step, so a project whose tests
 * run through make or a chain still gets narrowed runs, Self-Heal's reporter and single-test runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Log } from '../../../src/core/ports';
import { expandCommand, narrowCommand } from '../../../src/core/verify/testCommand';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { splitChain } from '../../../src/core/verify/testStep';
import { makeProject } from '../../helpers/repo';
import { projectWithRunner, RUNNER_FIXTURES } from '../runners/runnerProjects';

/** A Makefile of the common shape: variables, a recipe continued over lines, an install prerequisite, a coverage re-run and a linter after the tests. */
const MAKEFILE = [
  'TESTS = test/*.test.js',
  'REPORTER = spec',
  'TIMEOUT = 5000',
  '',
  'install:',
  '\t@npm install',
  '',
  'test: install',
  '\t@NODE_ENV=test ./node_modules/.bin/mocha \\',
  '\t\t--reporter $(REPORTER) \\',
  '\t\t--timeout $(TIMEOUT) \\',
  '\t\t$(TESTS)',
  '',
  'test-cov: install',
  '\t@NODE_ENV=test node ./node_modules/.bin/istanbul cover ./node_modules/.bin/_mocha -- --reporter $(REPORTER) $(TESTS)',
  '',
  'lint:',
  '\t@./node_modules/.bin/jshint .',
  '',
  'test-all: test test-cov lint',
  '',
].join('\n');

const scriptProject = (test: string, extra: Record<string, string> = {}): string =>
  makeProject({ 'package.json': JSON.stringify({ scripts: { test, ...extra } }), Makefile: MAKEFILE }, { commit: false });

describe('the test step of a longer script', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const project = (test: string, extra?: Record<string, string>): string => {
    const dir = scriptProject(test, extra);
    dirs.push(dir);
    return dir;
  };

  it('reads make’s dry run: the runner step with variables expanded, without the install before it or the coverage re-run and lint after it', async () => {
    const expanded = await expandCommand(project('make test-all'), 'npm test');
    assert.equal(expanded.command, 'NODE_ENV=test ./node_modules/.bin/mocha --reporter spec --timeout 5000 test/*.test.js');
    assert.equal(expanded.runner, 'mocha');
    assert.equal(expanded.simple, true);
    assert.deepEqual(expanded.seenThrough, {
      script: 'make test-all',
      notRun: [
        'npm install',
        'NODE_ENV=test node ./node_modules/.bin/istanbul cover ./node_modules/.bin/_mocha -- --reporter spec test/*.test.js',
        './node_modules/.bin/jshint .',
      ],
    });
    assert.equal(
      narrowCommand(expanded, ['test/a.test.js']),
      'NODE_ENV=test ./node_modules/.bin/mocha test/a.test.js --reporter spec --timeout 5000',
      'the runner step narrows like a plain script',
    );
  });

  it('keeps a build step in front of the tests, follows `npm run` and `pnpm x` steps, and leaves out a linter', async () => {
    const dir = project('npm run lint && pnpm build && npm run unit', { lint: 'eslint .', build: 'tsc -p .', unit: 'mocha dist/test' });
    const expanded = await expandCommand(dir, 'npm test');
    assert.equal(expanded.command, 'tsc -p . && mocha dist/test');
    assert.equal(expanded.runner, 'mocha');
    assert.deepEqual(expanded.seenThrough?.notRun, ['eslint .']);
    assert.equal(narrowCommand(expanded, ['dist/test/a.js']), 'tsc -p . && mocha dist/test/a.js');
  });

  it('follows a test script that is another npm script', async () => {
    const expanded = await expandCommand(project('npm run unit', { unit: 'mocha test/unit' }), 'npm test');
    assert.deepEqual([expanded.command, expanded.runner, expanded.simple], ['mocha test/unit', 'mocha', true]);
  });

  it('finds node --test in its own step, not an earlier node', async () => {
    const expanded = await expandCommand(project('node scripts/build.js && node --test test/'), 'npm test');
    assert.equal(expanded.runner, 'node');
    assert.equal(expanded.seenThrough, undefined, 'every step runs: nothing to say');
    assert.equal(narrowCommand(expanded, ['test/a.test.js']), 'node scripts/build.js && node --test test/a.test.js');
  });

  it('leaves a script as it is when a later step may run other tests, it changes folder, or it pipes', async () => {
    for (const script of [
      'mocha test/unit && mocha test/integration',
      'mocha test && jest',
      'mocha test && karma start',
      'cd packages/a && mocha',
      'mocha test | tee log.txt',
      'mocha test || true',
    ]) {
      const expanded = await expandCommand(project(script), 'npm test');
      assert.equal(expanded.command, script, script);
      assert.equal(expanded.simple, false, script);
      assert.equal(expanded.seenThrough, undefined, script);
    }
  });

  it('joins a recipe continued over lines without touching the spaces inside it', async () => {
    const dir = project('make test');
    fs.writeFileSync(path.join(dir, 'Makefile'), "OPTS =\ntest:\n\t@mocha --grep 'a  b' \\\n\t\t$(OPTS) \\\n\t\ttest/\n");
    assert.equal((await expandCommand(dir, 'npm test')).command, "mocha --grep 'a  b' test/");
  });

  it('reads a Makefile once for many runs, and again once it changes', async () => {
    const dir = project('make test-all');
    const makefile = path.join(dir, 'Makefile');
    // $(shell …) runs whenever make reads the Makefile, dry run or not: it counts the reads.
    fs.writeFileSync(makefile, `READS := $(shell echo read >> reads.txt)\n${MAKEFILE}`);
    const reads = (): number => fs.readFileSync(path.join(dir, 'reads.txt'), 'utf8').trim().split('\n').length;
    for (let i = 0; i < 3; i++) assert.equal((await expandCommand(dir, 'npm test')).runner, 'mocha');
    assert.equal(reads(), 1);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(makefile, later, later);
    await expandCommand(dir, 'npm test');
    assert.equal(reads(), 2);
  });

  it('leaves a make target alone when make cannot read it', async () => {
    const expanded = await expandCommand(project('make no-such-target'), 'npm test');
    assert.equal(expanded.command, 'make no-such-target');
    assert.equal(expanded.seenThrough, undefined);
  });
});

describe('splitChain', () => {
  it('splits on && and ; outside quotes, and refuses what a list of steps cannot keep', () => {
    assert.deepEqual(splitChain('a && b; c \'d && e\' "f;g"'), ['a', 'b', 'c \'d && e\' "f;g"']);
    for (const script of ['a | b', 'a || b', 'a & b', 'a > out', 'a $(b)', 'a `b`', 'a "$B"', 'a &&', "a 'open"])
      assert.equal(splitChain(script), undefined, script);
  });
});

describe('a mocha project whose tests run through make', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('runs the mocha step with Self-Heal’s reporter, narrows it to one file, and says once what it runs instead', async () => {
    const dir = projectWithRunner(path.join(RUNNER_FIXTURES, 'mocha'), 'mocha', 'old');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'make test' } }));
    fs.writeFileSync(
      path.join(dir, 'Makefile'),
      'test:\n\t@npm install\n\t@./node_modules/.bin/mocha --reporter dot \\\n\t\tmath.test.js nested.test.js\n\t@./node_modules/.bin/jshint .\n',
    );
    const infos: string[] = [];
    const warnings: string[] = [];
    const log: Log = { debug() {}, info: (m) => infos.push(m), warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
    const runner = new ProcessTestRunner(log);

    const whole = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: 60_000 });
    assert.equal(whole.outcomes.length, 8);
    assert.equal(whole.outcomes.find((o) => o.id === 'math > adds')?.status, 'failed');
    assert.deepEqual(warnings, [], 'the reporter worked: no fallback to human output');

    const narrowed = await runner.run({ cwd: dir, command: 'npm test', files: ['math.test.js'], timeoutMs: 60_000 });
    assert.deepEqual(narrowed.outcomes.map((o) => o.id).sort(), ['adds at top level', 'math > adds', 'math > divides', 'math > multiplies']);

    assert.equal(infos.length, 1, 'said once per heal');
    assert.match(infos[0], /`npm test` runs `make test`; Self-Heal runs its test step directly/);
    assert.match(infos[0], /Not run while healing: `npm install`, `\.\/node_modules\/\.bin\/jshint \.`/);
  });
});
