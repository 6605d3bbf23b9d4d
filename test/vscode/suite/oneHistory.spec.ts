/**
 * One heal history for the CLI and the extension: `self-heal heal --apply` run on the open
 * workspace records its heal in `.self-heal/ledger.jsonl`, the extension notices the file change
 * (a FileSystemWatcher, not a Refresh click) and lists the heal, reverts it from the history view,
 * and the CLI's own history then shows that revert. The folder stays out of `git status`.
 */
import * as assert from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import type { HealRecord } from '../../../src/core/model';
import type { SelfHealApi } from '../../../src/extension/activate';
import type { HealItem } from '../../../src/extension/views/history';
import { EXTENSION_ID, folder, historyHeals, selfHeal, uri, waitFor, withTimeout } from './helpers';

const SOURCE_FILE = 'src/math.js';

/** The CLI as a user runs it: the bundled dist/cli.js, with the Node that runs this extension host. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd: folder().uri.fsPath, timeout: 180_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('one heal history, shared with the CLI', () => {
  let api: SelfHealApi;
  let original: string;
  let healId: string;
  let item: HealItem;

  before(async () => {
    api = await selfHeal();
    original = (await vscode.workspace.openTextDocument(uri(SOURCE_FILE))).getText();
    assert.match(original, /return a - b;/, 'the fixture has its bug');
    // The CLI would wait for the workspace lock while the extension heals; start from a quiet extension.
    await waitFor(() => api.healer.busy === 0, 'the extension to finish any heal', 240_000);
  });

  it('lists a heal that `self-heal heal --apply` applied, as soon as the CLI records it', async function () {
    this.timeout(240_000);
    const refreshed = new Promise<void>((resolve) => {
      const subscription = api.history.onDidChangeTreeData(() => {
        subscription.dispose();
        resolve();
      });
    });
    const run = await cli('heal', '--apply', '--json', folder().uri.fsPath);
    assert.strictEqual(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { heals: Array<{ id: string; applied: boolean; file: string }> };
    const applied = json.heals.find((heal) => heal.applied);
    assert.ok(applied, run.stdout);
    assert.strictEqual(applied.file, SOURCE_FILE);
    healId = applied.id;
    await withTimeout(refreshed, 30_000, 'the history view to refresh on the ledger change');
    const items = await historyHeals();
    assert.strictEqual(items[0]?.record.id, healId, 'newest first');
    assert.strictEqual(items[0].contextValue, 'heal.applied', 'with Revert offered');
    item = items[0];
  });

  it('reverts that heal from the history view, and the CLI’s history shows the revert', async function () {
    this.timeout(60_000);
    // The open document follows the CLI's write to disk; a revert checks the text it would replace.
    const doc = await vscode.workspace.openTextDocument(uri(SOURCE_FILE));
    await waitFor(() => doc.getText().includes('return a + b;'), 'the editor to show the CLI’s fix', 30_000);
    const revert = await vscode.commands.executeCommand<HealRecord>('selfHeal.revertHeal', item);
    assert.strictEqual(revert?.reverts, healId);
    assert.strictEqual(doc.getText(), original);
    if (doc.isDirty) await doc.save();
    const [after] = await historyHeals();
    assert.strictEqual(after?.contextValue, 'heal.reverted');

    const history = await cli('history', '--json', folder().uri.fsPath);
    assert.strictEqual(history.code, 0, history.stderr);
    const records = JSON.parse(history.stdout) as HealRecord[];
    assert.ok(
      records.some((record) => record.kind === 'revert' && record.reverts === healId),
      history.stdout,
    );
  });

  it('keeps the shared history out of git status', () => {
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: folder().uri.fsPath, encoding: 'utf8' });
    assert.doesNotMatch(status, /\.self-heal/, status);
  });
});
