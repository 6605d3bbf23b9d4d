import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { changedLines, mutantsOnChangedLines, mutationGuard, WEAKLY_TESTED } from '../../../src/core/guards/mutation';
import { createSandbox } from '../../../src/core/verify/sandbox';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { exampleProject, makeProject } from '../../helpers/repo';

/** Run the guard on a fix of `file` (replace `from` by `to`), the fix's run being a real full run. */
async function guard(dir: string, file: string, from: string, to: string, testFiles: string[]) {
  const sandbox = await createSandbox({ root: dir });
  try {
    const runner = new ProcessTestRunner();
    const before = fs.readFileSync(path.join(dir, file), 'utf8');
    const after = before.replace(from, to);
    await sandbox.write(file, after);
    const fixRun = await runner.run({ cwd: sandbox.cwd, command: 'npm test', timeoutMs: 20_000 });
    await sandbox.reset();
    assert.deepEqual(fixRun.failures, [], 'the fix passes');
    return await mutationGuard({
      sandbox,
      runner,
      command: 'npm test',
      before: { [file]: before },
      after: { [file]: after },
      fixRun,
      testFiles,
      timeoutMs: 20_000,
    });
  } finally {
    await sandbox.dispose();
  }
}

describe('mutationGuard', () => {
  it('finds a mutant of the off-by-one fix that the tests kill', async () => {
    const report = await guard(exampleProject('off-by-one'), 'src/range.js', 'i < end', 'i <= end', ['test/range.test.js']);
    assert.equal(report.label, undefined);
    assert.equal(report.mutants?.killed, 1);
    assert.match(report.findings[0], /^killed: \w+ at src\/range\.js:4 /);
  });

  it('labels a fix weakly tested when no mutant of its lines is killed', async () => {
    // The test only checks that a number comes back: any arithmetic on the fixed line passes it.
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/fee.js': 'function fee(amount) {\n  return amount * 0.2;\n}\nmodule.exports = { fee };\n',
      'test/fee.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { fee } = require('../src/fee');\ntest('fee is a number', () => assert.strictEqual(typeof fee(10), 'number'));\n",
    });
    const report = await guard(dir, 'src/fee.js', 'amount * 0.2', 'amount * 0.02', ['test/fee.test.js']);
    assert.equal(report.label, WEAKLY_TESTED);
    assert.equal(report.mutants?.killed, 0);
    assert.ok((report.mutants?.ran ?? 0) > 0);
    assert.match(report.findings[0], /no mutant of the changed lines was killed/);
  });

  it('skips mutants that only undo the fix', async () => {
    const before = { 'src/user.js': 'function cityOf(user) {\n  return user.address.city;\n}\n' };
    const after = { 'src/user.js': 'function cityOf(user) {\n  return user.address?.city;\n}\n' };
    const { mutants, undoing } = await mutantsOnChangedLines('/tmp', before, after);
    assert.equal(undoing, 1);
    assert.ok(!mutants.some((m) => m.text === before['src/user.js']));
  });

  it('knows which lines a fix changed', () => {
    assert.deepEqual(changedLines('a.js', 'a\nb\nc\n', 'a\nB\nc\nd\n'), [1, 3]);
  });
});
