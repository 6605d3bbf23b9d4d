/**
 * Apply and revert: the only code that writes the user's files. The ledger record is written
 * first, so no failure or crash leaves changed text without the record that undoes it; a fix
 * whose workspace changed since verification is refused; a record whose write never happened is
 * settled by the next apply, revert or CLI run.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SelfHealError } from '../../../src/core/model';
import { applyFix, recordOutsideChanges, recoverInterruptedChange, revertHeal, UNDONE_OUTSIDE } from '../../../src/core/record/apply';
import { workspaceState } from '../../../src/core/verify/sandbox';
import { MemoryFiles, MemoryLedger } from '../../fakes/workspace';
import { git, makeProject, tempDir } from '../../helpers/repo';
import { outcome, RANGE_BEFORE } from '../../helpers/outcome';

const FIXED = RANGE_BEFORE.replace('i < end', 'i <= end');
const isCode = (code: string) => (e: unknown) => e instanceof SelfHealError && e.code === code;

describe('applyFix', () => {
  it('writes the verified text and records it', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    const record = await applyFix(outcome(), files, ledger);
    assert.equal(files.texts['src/range.js'], FIXED);
    assert.deepEqual(
      ledger.records.map((r) => [r.kind, r.id]),
      [['apply', record.id]],
    );
  });

  it('writes nothing when the ledger cannot record the change', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    ledger.failAppends = true;
    await assert.rejects(applyFix(outcome(), files, ledger), /read-only file system/);
    assert.equal(files.texts['src/range.js'], RANGE_BEFORE);
    assert.deepEqual(files.writes, []);
  });

  it('puts back the files already written when a later file fails, and records the undo', async () => {
    const second = 'module.exports = 1;\n';
    const fix = outcome({ files: { 'src/range.js': [RANGE_BEFORE, FIXED], 'src/other.js': [second, 'module.exports = 2;\n'] } });
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE, 'src/other.js': second });
    files.failOn.add('src/other.js');
    const ledger = new MemoryLedger();
    await assert.rejects(applyFix(fix, files, ledger), /permission denied/);
    assert.deepEqual(files.texts, { 'src/range.js': RANGE_BEFORE, 'src/other.js': second });
    assert.deepEqual(
      ledger.records.map((r) => r.kind),
      ['apply', 'revert'],
    );
    assert.equal(ledger.records[1].reverts, ledger.records[0].id);
  });

  it('refuses as stale when a file the tests read changed since verification, though the fixed file did not', async () => {
    const dir = makeProject({ 'src/range.js': RANGE_BEFORE, 'test/range.test.js': 'old test\n' });
    const fix = outcome();
    fix.fix!.state = { id: (await workspaceState(dir))!, at: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, 'test/range.test.js'), 'a different test\n');
    const files = new MemoryFiles(dir, { 'src/range.js': RANGE_BEFORE });
    await assert.rejects(applyFix(fix, files, new MemoryLedger()), isCode('STALE'));
    assert.deepEqual(files.writes, []);
  });

  it('is not stale after a commit of the same text, nor after its own earlier apply in the same run', async () => {
    const other = "module.exports = 'a';\n";
    const dir = makeProject({ 'src/range.js': RANGE_BEFORE, 'src/other.js': other });
    const verifiedAt = new Date(Date.now() - 1000).toISOString();
    const state = (await workspaceState(dir))!;
    const first = outcome({ id: 'h-1', files: { 'src/other.js': [other, "module.exports = 'b';\n"] } });
    const second = outcome({ id: 'h-2' });
    first.fix!.state = { id: state, at: verifiedAt };
    second.fix!.state = { id: state, at: verifiedAt };
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'unrelated');
    const disk = { read: async (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8'), unsavedBuffers: async () => ({}) };
    const files = { root: dir, ...disk, replace: async (rel: string, _expected: string, next: string) => fs.writeFileSync(path.join(dir, rel), next) };
    const ledger = new MemoryLedger();
    await applyFix(first, files, ledger);
    await applyFix(second, files, ledger);
    assert.equal(fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8'), FIXED);
  });
});

describe('revertHeal', () => {
  it('restores the text and records the revert; a second revert is refused', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    const record = await applyFix(outcome(), files, ledger);
    await revertHeal(record.id, files, ledger);
    assert.equal(files.texts['src/range.js'], RANGE_BEFORE);
    await assert.rejects(revertHeal(record.id, files, ledger), /already reverted/);
  });

  it('changes nothing when the ledger cannot record the revert', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    const record = await applyFix(outcome(), files, ledger);
    ledger.failAppends = true;
    await assert.rejects(revertHeal(record.id, files, ledger), /read-only/);
    assert.equal(files.texts['src/range.js'], FIXED);
  });
});

describe('recoverInterruptedChange', () => {
  it('settles an apply record whose write never happened with a record that undoes it', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    // A run killed right after its write-ahead record: the ledger says applied, the file does not.
    files.failOn.add('src/range.js');
    await applyFix(outcome(), files, ledger).catch(() => undefined);
    ledger.records.pop(); // the compensating record a crash would never have written
    const settled = await recoverInterruptedChange(files, ledger);
    assert.equal(settled?.kind, 'revert');
    assert.equal(settled?.reverts, ledger.records[0].id);
    assert.match(settled!.summary, /not written/);
    assert.equal(await recoverInterruptedChange(files, ledger), undefined, 'settled once');
  });

  it('leaves a change that is on disk alone', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    await applyFix(outcome(), files, ledger);
    assert.equal(await recoverInterruptedChange(files, ledger), undefined);
    assert.equal(ledger.records.length, 1);
  });
});

describe('recordOutsideChanges', () => {
  it('records a heal undone outside Self-Heal (Ctrl+Z) as reverted, once', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    const applied = await applyFix(outcome(), files, ledger);
    files.texts['src/range.js'] = RANGE_BEFORE;
    const [change] = await recordOutsideChanges(files, ledger);
    assert.equal(change?.of.id, applied.id);
    assert.equal(change.record.kind, 'revert');
    assert.equal(change.record.reverts, applied.id);
    assert.ok(change.record.summary.endsWith(UNDONE_OUTSIDE), change.record.summary);
    assert.deepEqual(await recordOutsideChanges(files, ledger), [], 'recorded once');
    await assert.rejects(revertHeal(applied.id, files, ledger), /already reverted/);
  });

  it('waits for an apply in flight: its record is not taken for an undo before its write lands', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    // The editor's write is a round trip to VS Code: the apply's record is in the ledger meanwhile.
    let recorded!: () => void;
    const applyRecorded = new Promise<void>((resolve) => (recorded = resolve));
    const write = files.replace.bind(files);
    files.replace = async (rel, expected, next) => {
      recorded();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await write(rel, expected, next);
    };
    const applying = applyFix(outcome(), files, ledger);
    await applyRecorded;
    assert.equal(ledger.records.length, 1, 'the apply is recorded, its write not yet done');
    const changes = await recordOutsideChanges(files, ledger);
    const applied = await applying;
    assert.deepEqual(changes, [], 'nothing was undone');
    assert.equal(files.texts['src/range.js'], FIXED);
    await revertHeal(applied.id, files, ledger);
    assert.equal(files.texts['src/range.js'], RANGE_BEFORE, 'and it reverts');
  });

  it('records the redo of an undone heal (Ctrl+Y) as the heal applied again, once', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    const applied = await applyFix(outcome(), files, ledger);
    await revertHeal(applied.id, files, ledger);
    files.texts['src/range.js'] = FIXED;
    const [change] = await recordOutsideChanges(files, ledger);
    assert.equal(change?.of.id, applied.id);
    assert.equal(change.record.kind, 'apply');
    assert.notEqual(change.record.id, applied.id);
    assert.deepEqual([change.record.before, change.record.after], [applied.before, applied.after]);
    assert.deepEqual(await recordOutsideChanges(files, ledger), [], 'recorded once');
    await revertHeal(change.record.id, files, ledger);
    assert.equal(files.texts['src/range.js'], RANGE_BEFORE, 'and it reverts like any heal');
  });

  it('leaves a heal alone whose file was edited into other text, or still holds the fix', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    await applyFix(outcome(), files, ledger);
    assert.deepEqual(await recordOutsideChanges(files, ledger), []);
    files.texts['src/range.js'] = `// edited\n${FIXED}`;
    assert.deepEqual(await recordOutsideChanges(files, ledger), []);
    assert.equal(ledger.records.length, 1);
  });

  it('reads unsaved buffers first: an undo that is not saved yet is what the user sees', async () => {
    const files = new MemoryFiles(tempDir(), { 'src/range.js': RANGE_BEFORE });
    const ledger = new MemoryLedger();
    await applyFix(outcome(), files, ledger);
    files.buffers['src/range.js'] = RANGE_BEFORE;
    assert.equal((await recordOutsideChanges(files, ledger)).length, 1);
  });
});
