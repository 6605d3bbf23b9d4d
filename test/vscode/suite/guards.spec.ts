/**
 * Nothing runs in an untrusted workspace, and selfHeal.mode = off silences everything.
 * code-server runs with workspace trust disabled (the workspace is always trusted), so the
 * untrusted case is tested through the Guard the extension consults, with trust simulated as
 * false, on fresh instances of the real provider and healer wired to the live extension's state.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { SelfHealApi } from '../../../src/extension/activate';
import { Guard } from '../../../src/extension/guard';
import { Healer } from '../../../src/extension/healer';
import { HealCodeActions } from '../../../src/extension/providers/codeActions';
import { codeActions, ourDiagnostics, ours, runTestTask, selfHeal, setMode, uri, waitFor } from './helpers';

const TEST_FILE = 'test/math.test.js';

describe('guards', () => {
  let api: SelfHealApi;

  before(async () => {
    api = await selfHeal();
  });

  describe('selfHeal.mode = off', () => {
    before(async () => {
      await setMode('off');
      await waitFor(() => api.settings.get().mode === 'off', 'the mode to switch off', 5_000);
    });
    after(async () => {
      await setMode(undefined);
      await waitFor(() => api.settings.get().mode === 'suggest', 'the mode to switch back', 5_000);
    });

    it('offers no quick fixes, even on a failing line', async () => {
      const failing = ourDiagnostics(uri(TEST_FILE))[0]?.range ?? new vscode.Range(6, 0, 6, 0);
      assert.deepStrictEqual(
        ours(await codeActions(uri(TEST_FILE), failing)).map((action) => action.title),
        [],
      );
    });

    it('does not listen to test runs', async function () {
      this.timeout(90_000);
      api.healerDeps.diagnostics.clear();
      const run = await runTestTask();
      assert.strictEqual(run.exitCode, 1);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.strictEqual(ourDiagnostics(uri(TEST_FILE)).length, 0);
    });

    it('"Heal Failing Tests" runs nothing', async () => {
      // A heal resolves its test command first, and the test task would start a task: neither may happen.
      const resolveTestCommand = api.healerDeps.testCommand;
      let resolved = 0;
      api.healerDeps.testCommand = (setting) => {
        resolved++;
        return resolveTestCommand(setting);
      };
      const started: string[] = [];
      const listener = vscode.tasks.onDidStartTask((event) => started.push(event.execution.task.name));
      try {
        assert.strictEqual(await vscode.commands.executeCommand('selfHeal.healFailingTests'), undefined);
      } finally {
        api.healerDeps.testCommand = resolveTestCommand;
        listener.dispose();
      }
      assert.strictEqual(resolved, 0, 'no heal began');
      assert.deepStrictEqual(started, [], 'no task started');
    });
  });

  describe('untrusted workspace (trust simulated through the Guard)', () => {
    const untrusted = new Guard(() => ({ trusted: false, mode: 'suggest' }));

    it('the real guard is what the extension consults, and this host is trusted', () => {
      assert.strictEqual(vscode.workspace.isTrusted, true, 'code-server runs with --disable-workspace-trust');
      assert.strictEqual(api.healerDeps.guard.mayRunTests().allowed, true);
      assert.strictEqual(untrusted.mayRunTests().allowed, false);
      assert.match((untrusted.mayRunTests() as { reason: string }).reason, /trusted workspace/);
      assert.strictEqual(untrusted.mayAutoApply, false);
    });

    it('offers no quick fix that would run tests', async () => {
      const doc = await vscode.workspace.openTextDocument(uri(TEST_FILE));
      const failing = api.healerDeps.diagnostics.all()[0];
      api.healerDeps.diagnostics.publish(failing ? [failing] : []);
      const diagnostics = ourDiagnostics(doc.uri);
      const range = diagnostics[0]?.range ?? new vscode.Range(6, 0, 6, 0);
      const context: vscode.CodeActionContext = { diagnostics, triggerKind: vscode.CodeActionTriggerKind.Invoke, only: undefined };
      const provider = new HealCodeActions({ ...api.codeActionDeps, guard: untrusted });
      assert.deepStrictEqual(provider.provideCodeActions(doc, range, context), []);
    });

    it('never starts a heal: no settings read, no files read, no sandbox', async () => {
      let touched = 0;
      const deps = api.healerDeps;
      const files = new Proxy(deps.files, {
        get(target, key, receiver) {
          touched++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      const healer = new Healer({ ...deps, files, guard: untrusted, settings: () => (touched++, deps.settings()) });
      const failure = {
        id: 'test/math.test.js > add sums two numbers',
        name: 'add sums two numbers',
        message: 'x',
        stack: [],
        source: 'terminal' as const,
        runner: 'node' as const,
      };
      assert.strictEqual(await healer.search([failure], { interactive: false }), undefined);
      assert.strictEqual(await healer.search(undefined, { interactive: false }), undefined);
      healer.onTestRun({ source: 'terminal', command: 'node --test', exitCode: 1, failures: [failure], endedAt: performance.now() });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.strictEqual(touched, 0);
      healer.dispose();
    });
  });
});
