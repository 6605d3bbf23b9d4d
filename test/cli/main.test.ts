import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exampleProject, fingerprint, makeProject, REPO_ROOT, sandboxesOf, tempDir } from '../helpers/repo';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('self-heal CLI', () => {
  it('prints the verified fix as a diff with its evidence, and changes nothing without --apply', () => {
    const dir = exampleProject('off-by-one');
    const before = fingerprint(dir);
    const run = cli('heal', dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /✓ 1\/1 failing now pass, 3\/3 suite/);
    assert.match(run.stdout, /^\+\s+for \(let i = start; i <= end; i\+\+\) \{$/m);
    assert.match(run.stdout, /not applied: rerun with --apply/);
    assert.equal(fingerprint(dir), before);
  });

  it('prints the documented JSON shape with --json', () => {
    const dir = exampleProject('null-check');
    const run = cli('heal', dir, '--json');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.baseline, { passed: 2, failed: 1 });
    assert.equal(report.heals.length, 1);
    const heal = report.heals[0];
    assert.equal(heal.file, 'src/user.js');
    assert.equal(heal.engine, 'mutation');
    assert.deepEqual(heal.evidence.targeted, { passed: 1, total: 1 });
    assert.deepEqual(heal.evidence.suite.newlyFailing, []);
    assert.match(heal.diff, /user\.address\?\.city/);
    assert.deepEqual(report.unhealed, []);
  });

  it('applies with --apply, lists the heal in history, and reverts it by id', () => {
    const dir = exampleProject('type-handling');
    const original = fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8');
    assert.equal(cli('heal', dir, '--apply').code, 0);
    assert.match(fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8'), /Number\(item\.price\)/);
    const history = JSON.parse(cli('history', dir, '--json').stdout);
    assert.equal(history.length, 1);
    assert.match(cli('history', dir).stdout, new RegExp(`^${history[0].id} .*src/cart\\.js`, 'm'));
    const revert = cli('revert', history[0].id, dir);
    assert.equal(revert.code, 0, revert.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8'), original);
    assert.equal(fs.readFileSync(path.join(dir, '.self-heal/.gitignore'), 'utf8'), '*\n', 'the ledger folder keeps itself out of git');
  });

  it('does not write a fix with --apply when the policy protects its file (neverEdit), and says why', () => {
    const dir = exampleProject('type-handling');
    fs.writeFileSync(path.join(dir, '.self-heal.json'), '{ "policy": { "neverEdit": ["src/cart.js"] } }\n');
    const original = fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8');
    const run = cli('heal', dir, '--apply');
    assert.equal(run.code, 1, 'a fix left unapplied leaves the failure');
    assert.match(run.stdout, /not applied: src\/cart\.js matches neverEdit "src\/cart\.js".*a person applies it after review/);
    assert.equal(fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8'), original);
    assert.equal(fs.existsSync(path.join(dir, '.self-heal/ledger.jsonl')), false, 'nothing is recorded');
  });

  it('neither offers nor applies a fix for a failure class the policy turns off', () => {
    const dir = exampleProject('type-handling');
    fs.writeFileSync(path.join(dir, '.self-heal.json'), '{ "policy": { "classes": { "code-bug": "off" } } }\n');
    const original = fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8');
    const run = cli('heal', dir, '--apply', '--json');
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.heals, []);
    assert.match(report.unhealed[0].reason, /code-bug.* is off, so Self-Heal does not offer its fix/);
    assert.equal(fs.readFileSync(path.join(dir, 'src/cart.js'), 'utf8'), original);
  });

  it('exits 0 and says so when every test passes', () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"node --test"}}', 'test/a.test.js': "require('node:test')('ok', () => {});\n" });
    const run = cli('heal', dir);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /All 1 test\(s\) pass; nothing to heal/);
  });

  it('exits 1 with a reason when a failure cannot be healed', () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/greet.js': "exports.greet = (name) => 'Hello';\n",
      'test/greet.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('../src/greet');\ntest('greets by name', () => assert.equal(greet('Ann'), 'Hello, Ann!'));\n",
    });
    const run = cli('heal', dir, '--json');
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    assert.equal(report.heals.length, 0);
    assert.match(report.unhealed[0].reason, /No verified fix among \d+ candidate/);
  });

  it('exits 2 with what to do for a folder that is not a project, a missing folder, or a bad flag', () => {
    const empty = cli('heal', tempDir());
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /No package\.json .*--test/);
    assert.equal(cli('heal', '/no/such/folder').code, 2);
    const flag = cli('heal', '--frobnicate');
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Usage:/);
    assert.equal(cli('heal', tempDir(), '--timeout', 'soon').code, 2);
  });

  it('heals a file that does not parse by inserting the token tree-sitter says is missing', () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/sum.js': 'exports.sum = (a, b) => {\n  return a + b;\n;\n',
      'test/sum.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { sum } = require('../src/sum');\ntest('sum', () => assert.equal(sum(1, 2), 3));\n",
    });
    const run = cli('heal', dir, '--json');
    assert.equal(run.code, 0, run.stderr);
    const heal = JSON.parse(run.stdout).heals[0];
    assert.match(heal.summary, /insert the missing `\}`/);
    assert.match(heal.diff, /^\+;\}$/m);
    assert.deepEqual(heal.evidence.targeted, { passed: 1, total: 1 });
  });

  it('refuses to edit a source file larger than 1 MB and says why', () => {
    const big = `exports.half = (n) => n * 2;\n${'// padding\n'.repeat(120_000)}`;
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/half.js': big,
      'test/half.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { half } = require('../src/half');\ntest('half', () => assert.equal(half(4), 2));\n",
    });
    const run = cli('heal', dir, '--json');
    assert.equal(run.code, 1);
    assert.match(JSON.parse(run.stdout).unhealed[0].reason, /larger than 1 MB/);
  });

  it('cancels cleanly on Ctrl-C: exit 130, nothing written, no sandbox left', async () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"node slow.js"}}', 'slow.js': 'setTimeout(() => process.exit(1), 20000);\n' });
    const before = fingerprint(dir);
    const child = spawn(process.execPath, [CLI, 'heal', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (sandboxesOf(child.pid!).length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /Cancelled; nothing was changed/);
    assert.equal(fingerprint(dir), before);
    assert.deepEqual(sandboxesOf(child.pid!), []);
  });
});
