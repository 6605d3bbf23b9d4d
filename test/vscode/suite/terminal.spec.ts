/**
 * Terminal signal: a test command the user types in a terminal with shell integration. Its output
 * (with ANSI colours and OSC 633 sequences) is read from the start, parsed by the core parsers,
 * and the failures appear as Self-Heal diagnostics.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import type { SelfHealApi } from '../../../src/extension/activate';
import { folder, metric, ourDiagnostics, selfHeal, uri, waitFor, withTimeout } from './helpers';

describe('test runs in terminals and tasks', () => {
  let api: SelfHealApi;

  before(async () => {
    api = await selfHeal();
  });

  it('turns failures of `node --test` run in a terminal into diagnostics', async function () {
    this.timeout(90_000);
    api.healerDeps.diagnostics.clear();
    assert.strictEqual(ourDiagnostics(uri('test/math.test.js')).length, 0);
    const terminal = vscode.window.createTerminal({ name: 'self-heal test', cwd: folder().uri });
    try {
      terminal.show();
      const integration =
        terminal.shellIntegration ??
        (await withTimeout(
          new Promise<vscode.TerminalShellIntegration>((resolve) => {
            const subscription = vscode.window.onDidChangeTerminalShellIntegration((event) => {
              if (event.terminal !== terminal) return;
              subscription.dispose();
              resolve(event.shellIntegration);
            });
          }),
          30_000,
          'shell integration',
        ));
      const ended = new Promise<number>((resolve) => {
        const subscription = vscode.window.onDidEndTerminalShellExecution((event) => {
          if (event.terminal !== terminal) return;
          subscription.dispose();
          resolve(performance.now());
        });
      });
      integration.executeCommand('node --test');
      const endedAt = await withTimeout(ended, 60_000, 'the terminal command to end');
      const diagnostic = await waitFor(() => ourDiagnostics(uri('test/math.test.js'))[0], 'a diagnostic from terminal output', 30_000);
      metric('terminal_end_to_diagnostic_ms', performance.now() - endedAt);
      assert.match(diagnostic.message, /add sums two numbers/);
      assert.doesNotMatch(diagnostic.message, /\u001b/, 'ANSI sequences are stripped');
    } finally {
      terminal.dispose();
    }
  });

  it('re-runs a failed test task without a terminal of its own (a process task) to read its failures', async function () {
    this.timeout(90_000);
    api.healerDeps.diagnostics.clear();
    const task = new vscode.Task(
      { type: 'self-heal-spec' },
      folder(),
      'process test',
      'spec',
      new vscode.ProcessExecution('node', ['--test'], { cwd: folder().uri.fsPath }),
    );
    task.group = vscode.TaskGroup.Test;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Never };
    const ended = new Promise<number | undefined>((resolve) => {
      const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution.task.name !== task.name) return;
        subscription.dispose();
        resolve(event.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.strictEqual(await withTimeout(ended, 60_000, 'the process task to end'), 1);
    const diagnostic = await waitFor(() => ourDiagnostics(uri('test/math.test.js'))[0], 'a diagnostic from the re-run', 60_000);
    assert.match(diagnostic.message, /add sums two numbers/);
  });
});
