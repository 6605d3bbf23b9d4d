import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyFix, healWorkspace, revertHeal } from '../../src/core/heal';
import { Failure, SelfHealError } from '../../src/core/model';
import { JsonlLedger } from '../../src/core/record/ledger';
import { DiskFiles } from '../../src/cli/adapters/files';
import { exampleProject, fingerprint, makeProject, ourSandboxes, tempDir } from '../helpers/repo';

const CODE_EXAMPLES: Array<[string, string, RegExp]> = [
  ['off-by-one', 'src/range.js', /i <= end/],
  ['null-check', 'src/user.js', /user\.address\?\.city/],
  ['type-handling', 'src/cart.js', /Number\(item\.price\)/],
  ['missing-await', 'src/profile.js', /await store\.get\(id\)/],
];

describe('healWorkspace', () => {
  for (const [name, file, fixed] of CODE_EXAMPLES) {
    it(`finds a verified fix for the ${name} example without touching the user's files`, async () => {
      const dir = exampleProject(name);
      const before = fingerprint(dir);
      const report = await healWorkspace({ files: new DiskFiles(dir) });
      assert.equal(report.heals.length, 1);
      const fix = report.heals[0].fix;
      assert.ok(fix, report.heals[0].reason);
      assert.match(fix.after[file], fixed);
      assert.deepEqual(fix.evidence.targeted, { passed: 1, total: 1 });
      assert.equal(fix.evidence.suite.passed, fix.evidence.suite.total);
      assert.deepEqual(fix.evidence.suite.newlyFailing, []);
      assert.equal(fingerprint(dir), before, 'nothing changes before apply');
      assert.deepEqual(ourSandboxes(), [], 'the sandbox is removed');
    });
  }

  it('applies a fix, records it, and reverts it to the exact original text', async () => {
    const dir = exampleProject('off-by-one');
    const original = fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8');
    const files = new DiskFiles(dir);
    const ledger = new JsonlLedger(path.join(tempDir(), 'ledger.jsonl'));
    const report = await healWorkspace({ files });
    const record = await applyFix(report.heals[0], files, ledger);
    assert.match(fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8'), /i <= end/);
    assert.equal((await ledger.read())[0].id, record.id);
    const revert = await revertHeal(record.id, files, ledger);
    assert.equal(revert.reverts, record.id);
    assert.equal(fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8'), original);
    await assert.rejects(revertHeal(record.id, files, ledger), /already reverted/);
  });

  it('refuses to apply when the file changed after verification', async () => {
    const dir = exampleProject('off-by-one');
    const files = new DiskFiles(dir);
    const report = await healWorkspace({ files });
    fs.appendFileSync(path.join(dir, 'src/range.js'), '// edited meanwhile\n');
    const edited = fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8');
    await assert.rejects(
      applyFix(report.heals[0], files, new JsonlLedger(path.join(tempDir(), 'l.jsonl'))),
      (e: unknown) => e instanceof SelfHealError && e.code === 'STALE',
    );
    assert.equal(fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8'), edited, 'the user edit survives');
  });

  it('heals the uncommitted state of a dirty working tree and leaves it dirty', async () => {
    const dir = exampleProject('off-by-one');
    fs.writeFileSync(
      path.join(dir, 'src/range.js'),
      fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8').replace('const out = [];', 'const out = []; // uncommitted note'),
    );
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    assert.match(report.heals[0].fix!.after['src/range.js'], /uncommitted note[\s\S]*i <= end/);
    assert.equal(fingerprint(dir), before);
  });

  it('works without git', async () => {
    const dir = exampleProject('null-check', { commit: false });
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    assert.ok(report.heals[0].fix);
  });

  it('reports nothing to heal when the tests pass', async () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"node --test"}}', 'test/a.test.js': "require('node:test')('ok', () => {});\n" });
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    assert.equal(report.heals.length, 0);
    assert.equal(report.baseline.passed, 1);
  });

  it('labels a test that passes on a rerun flaky and changes no code for it', async () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/queue.js': 'exports.drain = (items) => items.splice(0);\n',
      'test/queue.test.js': [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "const fs = require('node:fs');",
        "const path = require('node:path');",
        "const { drain } = require('../src/queue');",
        "test('drains on every other run', () => {",
        "  const counter = path.join(__dirname, '.runs');",
        "  const runs = Number(fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8') : 0) + 1;",
        '  fs.writeFileSync(counter, String(runs));',
        '  assert.deepStrictEqual(drain([runs % 2]), [0]);',
        '});',
        '',
      ].join('\n'),
    });
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    const heal = report.heals[0];
    assert.equal(heal.diagnosis.class, 'flaky');
    assert.match(heal.diagnosis.evidence[0], /passed \d of \d reruns? of the unchanged code/);
    assert.ok(!heal.fix || heal.fix.candidate.labels?.includes('weakens tests'), 'at most a quarantine, which is labelled as weakening the tests');
    assert.equal(
      Object.keys(heal.fix?.after ?? {}).some((f) => f.startsWith('src/')),
      false,
      'no source file is changed',
    );
  });

  it('explains a folder that is not a project', async () => {
    await assert.rejects(
      healWorkspace({ files: new DiskFiles(tempDir()) }),
      (e: unknown) => e instanceof SelfHealError && e.code === 'NO_PROJECT' && /package\.json/.test(e.message),
    );
  });

  it('explains a project without a test script', async () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' });
    await assert.rejects(healWorkspace({ files: new DiskFiles(dir) }), (e: unknown) => e instanceof SelfHealError && e.code === 'NO_TEST_COMMAND');
  });

  it('kills a hanging test command, forked children included, and says what to do', async () => {
    // The test command and the child it forks write their pids outside the sandbox, so the test can check on them.
    const pids = path.join(tempDir(), 'pids');
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node hang.js"}}',
      'hang.js': `const fs = require('fs');\nconst child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });\nfs.appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n' + child.pid + '\\n');\nsetInterval(() => {}, 1000);\n`,
    });
    await assert.rejects(
      healWorkspace({ files: new DiskFiles(dir), testTimeoutMs: 1500 }),
      (e: unknown) => e instanceof SelfHealError && e.code === 'TIMEOUT' && /--timeout/.test(e.message),
    );
    const started = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    assert.equal(started.length, 2, 'the command and its child ran');
    // A killed process is gone once its parent (or init) has reaped it; poll for that, briefly.
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && started.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(started.filter(alive), [], 'no process of the hanging command is left');
    assert.deepEqual(ourSandboxes(), []);
  });

  it('stops when cancelled and leaves no sandbox', async () => {
    const dir = exampleProject('off-by-one');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      healWorkspace({ files: new DiskFiles(dir), signal: controller.signal }),
      (e: unknown) => e instanceof SelfHealError && e.code === 'CANCELLED',
    );
    assert.deepEqual(ourSandboxes(), []);
  });

  describe('a failure a host asked about', () => {
    const twoBugs = (): string =>
      makeProject({
        'package.json': JSON.stringify({ scripts: { test: 'node --test' } }),
        'src/math.js': 'exports.add = (a, b) => a - b;\nexports.half = (n) => n / 3;\n',
        'test/math.test.js': [
          "const test = require('node:test');",
          "const assert = require('node:assert');",
          "const { add, half } = require('../src/math');",
          "test('adds', () => assert.equal(add(2, 3), 5));",
          "test('halves', () => assert.equal(half(8), 4));",
          "test('adds zero', () => assert.equal(add(0, 0), 0));",
          '',
        ].join('\n'),
      });
    const asked = (name: string): Failure => Failure.parse({ id: `test/math.test.js > ${name}`, name, file: 'test/math.test.js', message: 'failed' });

    it('heals that failure alone, not the other failures of its file', async () => {
      const report = await healWorkspace({ files: new DiskFiles(twoBugs()), failures: [asked('halves')] });
      assert.deepEqual(
        report.heals.map((h) => h.failures.map((f) => f.name)),
        [['halves']],
      );
      assert.match(report.heals[0].fix?.after['src/math.js'] ?? '', /n \/ 2/, report.heals[0].reason);
      assert.doesNotMatch(report.heals[0].fix?.after['src/math.js'] ?? '', /a \+ b/, 'the other bug is not in this fix');
    });

    it('is reported as not reproduced when it passes in the sandbox, and nothing else is healed', async () => {
      const report = await healWorkspace({ files: new DiskFiles(twoBugs()), failures: [asked('adds zero')] });
      assert.equal(report.heals.length, 1);
      assert.equal(report.heals[0].fix, undefined);
      assert.equal(report.heals[0].candidatesTried, 0);
      assert.match(report.heals[0].reason ?? '', /did not reproduce: "adds zero" passed/);
    });
  });
});
