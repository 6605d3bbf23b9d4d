/** Reading VS Code tasks as the plain TaskShape the test-command rules work on. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chooseTestCommand, type TaskShape, type TestCommandChoice } from '../testCommand';

export function taskShape(task: vscode.Task): TaskShape {
  const execution = task.execution;
  let commandLine: string | undefined;
  if (execution instanceof vscode.ShellExecution) {
    commandLine = execution.commandLine ?? [execution.command, ...(execution.args ?? [])].map(argText).filter(Boolean).join(' ');
  } else if (execution instanceof vscode.ProcessExecution) {
    commandLine = [execution.process, ...execution.args].join(' ');
  }
  const script: unknown = task.definition.type === 'npm' ? task.definition.script : undefined;
  return {
    name: task.name,
    source: task.source,
    isTestGroup: task.group?.id === vscode.TaskGroup.Test.id,
    isDefault: task.group?.isDefault === true,
    commandLine,
    npmScript: typeof script === 'string' ? script : undefined,
  };
}

function argText(arg: string | vscode.ShellQuotedString | undefined): string {
  return typeof arg === 'string' ? arg : (arg?.value ?? '');
}

export async function hasTestScript(root: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    const script = pkg.scripts?.test;
    // `npm init` writes a test script that only fails; it is not a test command.
    return typeof script === 'string' && !/no test specified/.test(script);
  } catch {
    return false;
  }
}

export async function resolveTestCommand(setting: string | undefined, root: string): Promise<TestCommandChoice> {
  // Fetching tasks runs the task providers; skip it when the setting already decides.
  const tasks = setting?.trim() ? [] : (await vscode.tasks.fetchTasks()).map(taskShape);
  return chooseTestCommand({ setting, tasks, hasTestScript: await hasTestScript(root) });
}

/**
 * The test command, cached: `fetchTasks` runs every task provider (npm, typescript, …) and takes
 * seconds in a fresh window, which would sit between a test failure and its lightbulb. The cache
 * is dropped when tasks.json, package.json or `selfHeal.testCommand` change.
 */
export class TestCommandResolver implements vscode.Disposable {
  private cached: { setting: string | undefined; choice: Promise<TestCommandChoice> } | undefined;
  private readonly watchers: vscode.FileSystemWatcher[];

  constructor(private readonly folder: vscode.WorkspaceFolder) {
    this.watchers = ['.vscode/tasks.json', 'package.json'].map((file) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, file));
      for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) event(() => this.invalidate());
      return watcher;
    });
  }

  resolve(setting: string | undefined): Promise<TestCommandChoice> {
    if (this.cached && this.cached.setting === setting) return this.cached.choice;
    const choice = resolveTestCommand(setting, this.folder.uri.fsPath);
    this.cached = { setting, choice };
    choice.catch(() => this.invalidate());
    return choice;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  dispose(): void {
    for (const watcher of this.watchers) watcher.dispose();
  }
}
