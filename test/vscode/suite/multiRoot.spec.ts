/**
 * A multi-root workspace (issue 15 §7): each folder is healed and recorded in its own folder. The
 * window holds two copies of the fixture, calc and billing (scripts/vscode-harness.mjs
 * multiRootWorkspace), with the same bug in the same relative file, so a fix, a diagnostic or a
 * history row keyed by a relative path alone would land in the wrong folder.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SelfHealApi } from '../../../src/extension/activate';
import type { FolderSession } from '../../../src/extension/folderSession';
import type { HealFailingTestsResult } from '../../../src/extension/healFailingTests';
import type { FolderItem, HealItem } from '../../../src/extension/views/history';
import { codeActions, ourDiagnostics, ours, selfHeal, waitFor, withTimeout } from './helpers';

const SOURCE = 'src/math.js';
const TEST = 'test/math.test.js';
const BUG = 'return a - b;';
const FIXED = 'return a + b;';

const folderNamed = (name: string): vscode.WorkspaceFolder => {
  const found = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === name);
  assert.ok(found, `the workspace has the folder ${name}`);
  return found;
};
const fileIn = (folder: vscode.WorkspaceFolder, rel: string): vscode.Uri => vscode.Uri.joinPath(folder.uri, rel);
const textOf = (folder: vscode.WorkspaceFolder, rel: string): string => fs.readFileSync(fileIn(folder, rel).fsPath, 'utf8');
const ledgerKinds = (folder: vscode.WorkspaceFolder): string[] => {
  const file = path.join(folder.uri.fsPath, '.self-heal', 'ledger.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { kind: string }).kind);
};
const sessionOf = (api: SelfHealApi, folder: vscode.WorkspaceFolder): FolderSession => {
  const session = api.folders.all().find((candidate) => candidate.folder.name === folder.name);
  assert.ok(session, `a session for ${folder.name}`);
  return session;
};

/** Run `folder`'s Test-group task (from its .vscode/tasks.json) and resolve with its exit code. */
async function runTestTaskOf(folder: vscode.WorkspaceFolder): Promise<number | undefined> {
  const task = (await vscode.tasks.fetchTasks()).find(
    (candidate) => candidate.group?.id === vscode.TaskGroup.Test.id && (candidate.scope as vscode.WorkspaceFolder | undefined)?.name === folder.name,
  );
  assert.ok(task, `${folder.name} has a Test-group task`);
  const ended = new Promise<number | undefined>((resolve) => {
    const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
      if ((event.execution.task.scope as vscode.WorkspaceFolder | undefined)?.name !== folder.name) return;
      subscription.dispose();
      resolve(event.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  return withTimeout(ended, 60_000, `${folder.name}'s test task to end`);
}

describe('a multi-root workspace: each folder healed and recorded in its own folder', () => {
  let api: SelfHealApi;
  let calc: vscode.WorkspaceFolder;
  let billing: vscode.WorkspaceFolder;

  before(async () => {
    api = await selfHeal();
    calc = folderNamed('calc');
    billing = folderNamed('billing');
  });

  it('works on every folder, each with its own files', () => {
    assert.deepStrictEqual(
      api.folders.all().map((session) => [session.folder.name, session.files.root]),
      [
        ['calc', calc.uri.fsPath],
        ['billing', billing.uri.fsPath],
      ],
    );
  });

  it("hears a folder's test task as that folder's: its failure and fix show in that folder only", async () => {
    assert.notStrictEqual(await runTestTaskOf(billing), 0, 'the fixture fails');
    await waitFor(() => ourDiagnostics(fileIn(billing, TEST)).length > 0, "a Self-Heal diagnostic on billing's test");
    const fix = await waitFor(() => sessionOf(api, billing).cache.verified()[0], 'a verified fix for billing, found in the background', 120_000);
    assert.deepStrictEqual(Object.keys(fix.fix!.after), [SOURCE]);
    assert.deepStrictEqual(ourDiagnostics(fileIn(calc, TEST)), [], "calc's test file, at the same relative path, shows nothing");
    assert.deepStrictEqual(sessionOf(api, calc).cache.verified(), [], 'and calc has no fix on offer');

    const line = new vscode.Range(3, 0, 3, 0);
    for (const folder of [billing, calc]) await vscode.workspace.openTextDocument(fileIn(folder, SOURCE));
    const inBilling = ours(await codeActions(fileIn(billing, SOURCE), line));
    assert.ok(
      inBilling.some((action) => action.title.startsWith('Self-Heal: replace')),
      `billing's lightbulb offers the fix: ${inBilling.map((a) => a.title).join(' | ')}`,
    );
    const inCalc = ours(await codeActions(fileIn(calc, SOURCE), line));
    assert.ok(!inCalc.some((action) => action.title.startsWith('Self-Heal: replace')), `calc's does not: ${inCalc.map((a) => a.title).join(' | ')}`);
  });

  it("Heal Failing Tests heals the active editor's folder", async () => {
    await vscode.window.showTextDocument(fileIn(calc, SOURCE));
    const result = await vscode.commands.executeCommand<HealFailingTestsResult | undefined>('selfHeal.healFailingTests');
    assert.ok(
      result?.report.heals.some((heal) => heal.fix),
      `calc's failure healed: ${result?.summary}`,
    );
    const fix = sessionOf(api, calc).cache.verified()[0];
    assert.ok(fix, 'the fix waits in calc');
    assert.strictEqual(sessionOf(api, billing).cache.verified().length, 1, "billing's own fix is still the only one there");
  });

  it("applies each fix in its own folder and records it in that folder's ledger", async () => {
    const calcFix = sessionOf(api, calc).cache.verified()[0]!;
    await vscode.commands.executeCommand('selfHeal.applyFix', calcFix.id);
    assert.ok(textOf(calc, SOURCE).includes(FIXED), 'calc is fixed');
    assert.ok(textOf(billing, SOURCE).includes(BUG), 'billing is not touched');
    assert.deepStrictEqual([ledgerKinds(calc), ledgerKinds(billing)], [['apply'], []]);

    const billingFix = sessionOf(api, billing).cache.verified()[0]!;
    await vscode.commands.executeCommand('selfHeal.applyFix', billingFix.id);
    assert.ok(textOf(billing, SOURCE).includes(FIXED), 'billing is fixed');
    assert.deepStrictEqual([ledgerKinds(calc), ledgerKinds(billing)], [['apply'], ['apply']]);
  });

  it('lists each folder in the history with its own heals, and reverts a heal in its folder', async () => {
    const roots = (await api.history.getChildren()) as FolderItem[];
    assert.deepStrictEqual(
      roots.map((root) => root.label),
      ['calc', 'billing'],
    );
    const [calcHeals, billingHeals] = (await Promise.all(roots.map((root) => api.history.getChildren(root)))) as HealItem[][];
    assert.deepStrictEqual([calcHeals!.map((item) => item.root), billingHeals!.map((item) => item.root)], [[calc.uri.fsPath], [billing.uri.fsPath]]);
    await vscode.commands.executeCommand('selfHeal.revertHeal', billingHeals![0]);
    await waitFor(() => textOf(billing, SOURCE).includes(BUG), 'billing reverted');
    assert.ok(textOf(calc, SOURCE).includes(FIXED), 'calc keeps its fix');
    assert.deepStrictEqual([ledgerKinds(calc), ledgerKinds(billing)], [['apply'], ['apply', 'revert']]);
  });
});
