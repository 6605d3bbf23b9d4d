/**
 * One heal history per workspace folder, `.self-heal/ledger.jsonl`, for the CLI and the extension
 * alike: a heal either one applied is listed and reverted by the other, the folder never shows in
 * `git status`, and the extension's old ledger (under its workspace storage) is moved in once.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFiles } from '../../../src/cli/adapters/files';
import { type HealRecord, SelfHealError } from '../../../src/core/model';
import { applyFix, revertHeal } from '../../../src/core/record/apply';
import { JsonlLedger, workspaceLedgerPath } from '../../../src/core/record/ledger';
import { MOVED_SUFFIX, moveOldLedger, WorkspaceLedger } from '../../../src/core/record/ledgerLocation';
import { workspaceLockPath } from '../../../src/core/verify/lock';
import { git, makeProject, tempDir } from '../../helpers/repo';
import { outcome, RANGE_BEFORE } from '../../helpers/outcome';

const FIXED = RANGE_BEFORE.replace('i < end', 'i <= end');
const project = (): string => makeProject({ 'src/range.js': RANGE_BEFORE, 'test/range.test.js': "require('node:test');\n" });
const read = (dir: string): string => fs.readFileSync(path.join(dir, 'src/range.js'), 'utf8');
/** The CLI's ledger as src/cli/main.ts opens it. */
const cliLedger = (dir: string): JsonlLedger => new JsonlLedger(workspaceLedgerPath(dir));

function record(id: string, at: string, kind: HealRecord['kind'] = 'apply'): HealRecord {
  return {
    id,
    kind,
    at,
    workspace: '/w',
    file: 'a.js',
    summary: `heal ${id}`,
    engine: 'mutation',
    operator: 'op',
    diff: '',
    edits: [],
    before: { 'a.js': 'x' },
    after: { 'a.js': 'y' },
    failures: [],
    diagnosis: { class: 'code-bug', evidence: [], locations: [] },
    tried: [],
    evidence: { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } },
    ms: 1,
  };
}

function writeLedger(file: string, records: HealRecord[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
}

describe('the workspace ledger', () => {
  it('lists and reverts in the extension a heal the CLI applied, and the CLI sees the revert', async () => {
    const dir = project();
    const applied = await applyFix(outcome(), new DiskFiles(dir), cliLedger(dir));
    assert.equal(read(dir), FIXED);

    const extension = new WorkspaceLedger(dir);
    assert.deepEqual(
      (await extension.read()).map((r) => [r.kind, r.id]),
      [['apply', applied.id]],
    );
    const reverted = await revertHeal(applied.id, new DiskFiles(dir), extension);
    assert.equal(read(dir), RANGE_BEFORE);
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => [r.kind, r.reverts]),
      [
        ['apply', undefined],
        ['revert', applied.id],
      ],
    );
    assert.equal(reverted.reverts, applied.id);
  });

  it('lists and reverts in the CLI a heal the extension applied', async () => {
    const dir = project();
    const applied = await applyFix(outcome(), new DiskFiles(dir), new WorkspaceLedger(dir));
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => r.id),
      [applied.id],
    );
    await revertHeal(applied.id, new DiskFiles(dir), cliLedger(dir));
    assert.equal(read(dir), RANGE_BEFORE);
  });

  it("keeps its folder out of git: the first record writes the folder's own ignore file", async () => {
    const dir = project();
    await new WorkspaceLedger(dir).append(record('h-1', new Date().toISOString()));
    assert.equal(fs.readFileSync(path.join(dir, '.self-heal', '.gitignore'), 'utf8'), '*\n');
    assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all'), '');
  });
});

describe('moving the extension’s old ledger into the workspace', () => {
  it('merges its records with the CLI’s by time, renames the old file, and moves nothing the second time', async () => {
    const dir = project();
    const old = path.join(tempDir(), 'storage', 'ledger.jsonl');
    writeLedger(old, [record('h-ext1', '2026-01-01T10:00:00.000Z'), record('h-ext2', '2026-01-03T10:00:00.000Z')]);
    writeLedger(workspaceLedgerPath(dir), [record('h-cli', '2026-01-02T10:00:00.000Z')]);

    assert.equal(await moveOldLedger(old, dir), 2);
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => r.id),
      ['h-ext1', 'h-cli', 'h-ext2'],
    );
    assert.ok(!fs.existsSync(old), 'the old ledger is no longer read');
    assert.ok(fs.existsSync(old + MOVED_SUFFIX), 'but kept, renamed');
    assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=all'), '');

    assert.equal(await moveOldLedger(old, dir), 0);
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => r.id),
      ['h-ext1', 'h-cli', 'h-ext2'],
    );
  });

  it('does not double records when a move was interrupted before the old file was renamed', async () => {
    const dir = project();
    const old = path.join(tempDir(), 'ledger.jsonl');
    const records = [record('h-a', '2026-01-01T10:00:00.000Z'), record('h-b', '2026-01-01T10:00:00.000Z', 'revert')];
    writeLedger(old, records);
    writeLedger(workspaceLedgerPath(dir), records);
    assert.equal(await moveOldLedger(old, dir), 0);
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => [r.id, r.kind]),
      [
        ['h-a', 'apply'],
        ['h-b', 'revert'],
      ],
    );
    assert.ok(fs.existsSync(old + MOVED_SUFFIX));
  });

  it('lets the CLI revert a heal that was recorded in the old ledger', async () => {
    const dir = project();
    const old = path.join(tempDir(), 'ledger.jsonl');
    const applied = await applyFix(outcome(), new DiskFiles(dir), new JsonlLedger(old));
    await moveOldLedger(old, dir);
    await revertHeal(applied.id, new DiskFiles(dir), cliLedger(dir));
    assert.equal(read(dir), RANGE_BEFORE);
  });

  it('never waits for a run that holds the workspace: it refuses at once, moves nothing, and can be tried again', async () => {
    const dir = project();
    const old = path.join(tempDir(), 'ledger.jsonl');
    writeLedger(old, [record('h-old', '2026-01-01T10:00:00.000Z')]);
    // Another live process (this test's parent) holds the lock, as a CLI run would; in one process the lock is shared.
    const lock = workspaceLockPath(dir);
    const holder = { pid: process.ppid, host: os.hostname(), owner: 'the self-heal CLI', started: new Date().toISOString(), nonce: 'n', root: dir };
    fs.writeFileSync(lock, JSON.stringify(holder));
    try {
      await assert.rejects(
        moveOldLedger(old, dir),
        (error: unknown) => error instanceof SelfHealError && error.code === 'BUSY' && /the self-heal CLI/.test(error.message),
      );
    } finally {
      fs.rmSync(lock, { force: true });
    }
    assert.ok(fs.existsSync(old), 'the old ledger is still there');
    assert.equal(await moveOldLedger(old, dir), 1);
    assert.deepEqual(
      (await cliLedger(dir).read()).map((r) => r.id),
      ['h-old'],
    );
  });

  it('does nothing when there is no old ledger', async () => {
    const dir = project();
    assert.equal(await moveOldLedger(path.join(tempDir(), 'none.jsonl'), dir), 0);
    assert.ok(!fs.existsSync(path.join(dir, '.self-heal')), 'and creates no folder in the workspace');
  });
});
