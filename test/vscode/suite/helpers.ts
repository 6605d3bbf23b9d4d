/** Shared by the real-VS-Code specs: the extension's API, waiting, and the metrics file. */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SelfHealApi } from '../../../src/extension/activate';
import type { HealItem } from '../../../src/extension/views/history';

export const EXTENSION_ID = 'self-heal.self-heal';

let api: SelfHealApi | undefined;
export let activationWallMs: number | undefined;

export async function selfHeal(): Promise<SelfHealApi> {
  if (api) return api;
  const extension = vscode.extensions.getExtension<SelfHealApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is loaded`);
  const wasActive = extension.isActive;
  const started = performance.now();
  api = await extension.activate();
  if (!wasActive) activationWallMs = performance.now() - started;
  assert.ok(api, 'activate() returned the API (a folder is open)');
  return api;
}

export const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders![0]!;
export const uri = (rel: string): vscode.Uri => vscode.Uri.joinPath(folder().uri, rel);

/** The history view's rows in this one-folder workspace: heals at the top level, no folder nodes. */
export async function historyHeals(): Promise<HealItem[]> {
  const children = await (await selfHeal()).history.getChildren();
  assert.ok(
    children.every((child) => 'record' in child),
    'one folder: the history lists its heals, with no folder node',
  );
  return children as HealItem[];
}

/** Poll `probe` until it returns a truthy value. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function metric(name: string, value: number): void {
  const line = `metric ${name}=${Math.round(value * 10) / 10}\n`;
  const file = process.env.SELF_HEAL_METRICS;
  if (file) fs.appendFileSync(file, line);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function ourDiagnostics(target: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(target).filter((diagnostic) => diagnostic.source === 'Self-Heal');
}

export async function codeActions(target: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', target, range)) ?? [];
}

export const ours = (actions: vscode.CodeAction[]): vscode.CodeAction[] => actions.filter((action) => action.title.startsWith('Self-Heal'));

/** Run the workspace's default Test-group task (from .vscode/tasks.json) and resolve with its exit code. */
export async function runTestTask(): Promise<{ exitCode: number | undefined; endedAt: number }> {
  const task = (await vscode.tasks.fetchTasks()).find((candidate) => candidate.group?.id === vscode.TaskGroup.Test.id && candidate.source === 'Workspace');
  assert.ok(task, 'the fixture has a Test-group task');
  const ended = new Promise<{ exitCode: number | undefined; endedAt: number }>((resolve) => {
    const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution.task.name !== task.name) return;
      subscription.dispose();
      resolve({ exitCode: event.exitCode, endedAt: performance.now() });
    });
  });
  await vscode.tasks.executeTask(task);
  return withTimeout(ended, 60_000, 'the test task to end');
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))]);
}

export async function setMode(mode: 'off' | 'suggest' | 'autoApply' | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('selfHeal').update('mode', mode, vscode.ConfigurationTarget.Workspace);
}

/** Preview a cached fix (selfHeal.previewFix) and wait for its diff tab to be the active one. */
export async function previewTab(outcomeId: string): Promise<vscode.Tab> {
  await vscode.commands.executeCommand('selfHeal.previewFix', outcomeId);
  return waitFor(
    () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputTextDiff && active.input.modified.path.includes(outcomeId) ? active : undefined;
    },
    'the preview tab',
    10_000,
  );
}
