/**
 * Issue 15's walk-through, as a new user met it, each step now true (issue 15 §8): one npm test
 * task run is one signal; the top suspect's source line carries a diagnostic and the lightbulb;
 * a title on the test names the file the fix edits; no backticks outside Markdown; a toast answered
 * late says why; Ctrl+Z, Ctrl+Y, Revert, an edit outside VS Code and Discard keep the history, the
 * diagnostics and the lightbulb true; a second revert says so kindly; a guard that could not load
 * says so in plain words. Notifications are read (and answered) through the extension's Notifier,
 * since the smoke-test driver hides the toasts.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { HealOutcome } from '../../../src/core/api';
import { UNDONE_OUTSIDE } from '../../../src/core/labels';
import type { HealRecord } from '../../../src/core/model';
import type { SelfHealApi } from '../../../src/extension/activate';
import type { TaskDecision } from '../../../src/extension/collectors/tasks';
import type { TestRunSignal } from '../../../src/extension/collectors/testRuns';
import type { Shown } from '../../../src/extension/notify';
import { codeActions, folder, historyHeals, ourDiagnostics, ours, previewTab, selfHeal, uri, waitFor } from './helpers';

const TEST_FILE = 'test/math.test.js';
const SOURCE_FILE = 'src/math.js';
const VERIFIED = /^Self-Heal: .+ \(✓ (\d+)\/(\d+) tests\)$/;

describe('the walk-through of issue 15: what a user sees stays true', () => {
  let api: SelfHealApi;
  let original: string;
  let outcome: HealOutcome;
  let applied: HealRecord;
  const shown: Shown[] = [];
  let listening: vscode.Disposable;
  let ledgerAtStart: string;
  const ledgerFile = (): string => path.join(folder().uri.fsPath, '.self-heal', 'ledger.jsonl');

  const source = (): Promise<vscode.TextDocument> => Promise.resolve(vscode.workspace.openTextDocument(uri(SOURCE_FILE)));
  const testDiagnostic = (): vscode.Diagnostic | undefined => ourDiagnostics(uri(TEST_FILE)).find((d) => /add sums two numbers/.test(d.message));
  /** The id under which the lightbulb on the failing test offers the same change as `outcome` (an undone heal's fix comes back under a new id). */
  const offered = async (): Promise<string | undefined> => {
    const diagnostic = testDiagnostic();
    if (!diagnostic) return undefined;
    const same = JSON.stringify(outcome.fix!.after);
    const ids = ours(await codeActions(uri(TEST_FILE), diagnostic.range)).map((action) => action.command?.arguments?.[0] as string | undefined);
    return ids.find((id) => id && JSON.stringify(api.cache.outcome(id)?.fix?.after) === same);
  };
  const newest = async (): Promise<{ id: string; contextValue?: string } | undefined> => {
    const [item] = await historyHeals();
    return item && { id: item.record.id, contextValue: item.contextValue };
  };
  /** The next notification matching `pattern`, shown from now on. */
  const next = (pattern: RegExp, what: string): Promise<Shown> => {
    const from = shown.length;
    return waitFor(() => shown.slice(from).find((n) => pattern.test(n.message)), what, 60_000);
  };

  before(async () => {
    api = await selfHeal();
    listening = api.notify.onDidShow((n) => shown.push(n));
    original = (await source()).getText();
    await vscode.workspace.openTextDocument(uri(TEST_FILE)); // the lightbulb is asked about it below
    assert.match(original, /return a - b;/, 'the fixture has its bug');
    await waitFor(() => api.healer.busy === 0, 'earlier heals to end', 240_000);
    api.cache.clear();
    api.healerDeps.diagnostics.clear();
    ledgerAtStart = fs.existsSync(ledgerFile()) ? fs.readFileSync(ledgerFile(), 'utf8') : '';
  });

  after(async () => {
    listening.dispose();
    const doc = await source();
    assert.strictEqual(doc.getText(), original, 'every heal applied here was undone or reverted');
    if (doc.isDirty) await doc.save();
    // A fixture reset: the specs after this one expect the ledger without these undos, reverts and the
    // Discard's rejection (which would make the next heals rank or skip this fix differently).
    fs.writeFileSync(ledgerFile(), ledgerAtStart);
  });

  it('reads one run of the npm test task once: its terminal gives the failures, the task is not run again', async function () {
    this.timeout(120_000);
    const task = (await vscode.tasks.fetchTasks({ type: 'npm' })).find((candidate) => candidate.definition.script === 'test');
    assert.ok(task, 'the npm task provider offers the test script');
    // A terminal of its own, as a first run has: a shared task terminal that an earlier task (a
    // process, without a shell) leaves behind may be reused without shell integration, and then
    // the task collector can only re-run the tests to read them (still one signal).
    task.presentationOptions = { ...task.presentationOptions, panel: vscode.TaskPanelKind.New, reveal: vscode.TaskRevealKind.Silent };
    const signals: TestRunSignal[] = [];
    const decisions: TaskDecision[] = [];
    const subscriptions = [api.healer.onDidSignal((signal) => signals.push(signal)), api.taskRuns.onDidDecide((decision) => decisions.push(decision))];
    try {
      await vscode.tasks.executeTask(task);
      const decision = await waitFor(() => decisions.find((d) => d.task === task.name), 'what the task collector made of the task', 90_000);
      const [signal] = await waitFor(() => (signals.length ? signals : undefined), 'the signal of the run', 30_000);
      assert.strictEqual(decision.outcome, 'read in its terminal', JSON.stringify(decision));
      assert.deepStrictEqual(
        signals.map((s) => s.source),
        ['terminal'],
        'one signal',
      );
      assert.strictEqual(signal!.exitCode, 1);
      assert.ok(
        signal!.failures.some((failure) => failure.name === 'add sums two numbers'),
        JSON.stringify(signal!.failures.map((f) => f.name)),
      );
    } finally {
      for (const subscription of subscriptions) subscription.dispose();
    }
  });

  it('puts a diagnostic on the top suspect line in the source, where the lightbulb offers the fix; on the test, the title names the file', async function () {
    this.timeout(240_000);
    const onTest = await waitFor(
      async () => {
        const diagnostic = testDiagnostic();
        return diagnostic && ours(await codeActions(uri(TEST_FILE), diagnostic.range)).find((action) => action.isPreferred && VERIFIED.test(action.title));
      },
      'the verified fix in the lightbulb on the test',
      220_000,
      250,
    );
    outcome = api.cache.outcome(String(onTest.command!.arguments![0]))!;
    assert.ok(outcome.fix);
    assert.match(onTest.title, /^Self-Heal: replace '-' with '\+' on line 4 of src\/math\.js \(✓ 2\/2 tests\)$/, 'the file it edits, no backticks');

    const doc = await source();
    const bugLine = doc
      .getText()
      .split('\n')
      .findIndex((text) => text.includes('return a - b'));
    const suspect = await waitFor(() => ourDiagnostics(doc.uri).find((d) => d.range.start.line === bugLine), 'a diagnostic on the suspect line', 10_000);
    assert.strictEqual(suspect.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(suspect.message, /^Likely cause of the failing test "add sums two numbers": add \(/);
    assert.strictEqual(suspect.relatedInformation?.[0]?.location.uri.toString(), uri(TEST_FILE).toString(), 'it points back at the test');
    const onSource = ours(await codeActions(doc.uri, suspect.range)).find((action) => action.command?.arguments?.[0] === outcome.id);
    assert.ok(onSource, 'the lightbulb is on the suspect line');
    // executeCodeActionProvider does not return an action's diagnostics: ask the provider itself.
    await vscode.window.showTextDocument(doc);
    const context: vscode.CodeActionContext = { diagnostics: [suspect], triggerKind: vscode.CodeActionTriggerKind.Invoke, only: undefined };
    const fixing = api.codeActions.provideCodeActions(doc, suspect.range, context).find((action) => action.command?.arguments?.[0] === outcome.id);
    assert.deepStrictEqual(
      fixing?.diagnostics?.map((d) => d.message),
      [suspect.message],
      'as the quick fix of that diagnostic',
    );
    assert.strictEqual(onSource.title, "Self-Heal: replace '-' with '+' on line 4 (✓ 2/2 tests)", 'in the file it edits, no file name');
  });

  it('says in plain words when a guard could not load, not the package loader’s error', async () => {
    const missing =
      "mutation guard not run: @stryker-mutator/instrumenter could not be loaded or could not parse the fixed file (Cannot find package '@stryker-mutator/instrumenter' imported from /ext/dist/extension.js)";
    const unguarded: HealOutcome = {
      ...outcome,
      id: 'h-plainwords',
      fix: { ...outcome.fix!, evidence: { ...outcome.fix!.evidence, guards: [{ guard: 'mutation', findings: [missing] }] } },
    };
    api.cache.record([unguarded]);
    try {
      const action = ours(await codeActions(uri(TEST_FILE), testDiagnostic()!.range)).find((a) => a.command?.arguments?.[0] === unguarded.id);
      const tooltip = action?.command?.tooltip ?? '';
      assert.match(
        tooltip,
        /\nmutation guard: not run: a part of Self-Heal it needs is missing from this installation \(reinstalling Self-Heal should bring it back\)\n/,
        tooltip,
      );
      assert.doesNotMatch(tooltip, /stryker|Cannot find package/);
    } finally {
      api.cache.remove(unguarded.id);
    }
  });

  it('confirms an apply from the preview’s toast, and a toast answered after that says why nothing happens', async function () {
    this.timeout(60_000);
    const toast = next(/Apply this fix\?$/, 'the preview’s toast');
    const tab = await previewTab(outcome.id);
    const question = await toast;
    assert.strictEqual(question.message, "Self-Heal: replace '-' with '+' on line 4 of src/math.js (✓ 2/2 tests). Apply this fix?");
    assert.deepStrictEqual(question.actions, ['Apply', 'Discard']);
    assert.doesNotMatch(tab.label, /`/, tab.label);

    // The preview's ✓ (editor title), with the preview active, as a person clicks it.
    await vscode.window.tabGroups.close(tab);
    await previewTab(outcome.id);
    const confirmation = next(/^Self-Heal applied /, 'the confirmation of the apply');
    applied = (await vscode.commands.executeCommand<HealRecord>('selfHeal.applyPreviewedFix'))!;
    assert.ok(applied, 'applied from the preview');
    assert.strictEqual(
      (await confirmation).message,
      `Self-Heal applied "replace '-' with '+' on line 4" to src/math.js. Undo with Ctrl+Z, or revert it from the history.`,
    );
    assert.strictEqual((await source()).getText(), outcome.fix!.after[SOURCE_FILE]);

    const why = next(/no longer on offer/, 'why the late Apply does nothing');
    question.answer('Apply');
    const answer = await why;
    assert.strictEqual(answer.severity, 'warning');
    assert.strictEqual(answer.message, 'Self-Heal: This fix is no longer on offer: it was applied already; the Self-Heal history lists it.');
    assert.strictEqual((await api.records()).filter((r) => r.kind === 'apply').at(-1)?.id, applied.id, 'and nothing else was applied');
  });

  it('Ctrl+Z: the history shows the heal reverted, and the failure and its fix come back', async function () {
    this.timeout(60_000);
    const doc = await source();
    await vscode.window.showTextDocument(doc);
    assert.deepStrictEqual(await newest(), { id: applied.id, contextValue: 'heal.applied' });
    assert.strictEqual(testDiagnostic(), undefined, 'the healed failure is gone');
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), original);
    await waitFor(async () => (await newest())?.contextValue === 'heal.reverted', 'the history to show the undo', 30_000);
    const undo = (await api.records()).at(-1)!;
    assert.strictEqual(undo.kind, 'revert');
    assert.strictEqual(undo.reverts, applied.id);
    assert.ok(undo.summary.endsWith(UNDONE_OUTSIDE), undo.summary);
    // The history view may refresh on the ledger's change a moment before the healer acts on it.
    await waitFor(() => testDiagnostic(), 'the failure to show again', 10_000);
    assert.ok(await offered(), 'and its verified fix is offered again');
    if (doc.isDirty) await doc.save();
  });

  it('a second revert says kindly that the heal is already reverted, with no error', async () => {
    const from = shown.length;
    const result = await vscode.commands.executeCommand('selfHeal.revertHeal', applied.id);
    assert.strictEqual(result, undefined);
    const said = shown.slice(from).filter((n) => n.severity !== 'progress');
    assert.deepStrictEqual(
      said.map((n) => [n.severity, n.message]),
      [
        [
          'info',
          `Self-Heal: "replace '-' with '+' on line 4" is already reverted (it was undone in the editor or outside VS Code); src/math.js holds the text from before it.`,
        ],
      ],
    );
  });

  it('Ctrl+Y: the heal is recorded as applied again and its failure goes; Revert from the history brings both back', async function () {
    this.timeout(60_000);
    const doc = await source();
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('redo');
    assert.strictEqual(doc.getText(), outcome.fix!.after[SOURCE_FILE]);
    if (doc.isDirty) await doc.save();
    const again = await waitFor(
      async () => {
        const item = await newest();
        return item && item.id !== applied.id && item.contextValue === 'heal.applied' ? item : undefined;
      },
      'the history to show the redo',
      30_000,
    );
    await waitFor(() => !testDiagnostic(), 'the failure to go again', 10_000);
    assert.strictEqual(await offered(), undefined);

    const [item] = await historyHeals();
    const revert = await vscode.commands.executeCommand<HealRecord>('selfHeal.revertHeal', item);
    assert.strictEqual(revert?.reverts, again.id);
    assert.strictEqual(doc.getText(), original);
    assert.strictEqual((await newest())?.contextValue, 'heal.reverted');
    assert.ok(testDiagnostic(), 'the failure shows again after Revert');
    assert.ok(await offered(), 'and its fix is on offer again');
  });

  it('an edit outside VS Code that puts the old text back is recorded as an undo', async function () {
    this.timeout(60_000);
    const again = await offered();
    assert.ok(again, 'the fix is on offer');
    const record = (await vscode.commands.executeCommand<HealRecord>('selfHeal.applyFix', again))!;
    assert.strictEqual((await newest())?.id, record.id);
    fs.writeFileSync(path.join(folder().uri.fsPath, SOURCE_FILE), original);
    await waitFor(async () => (await newest())?.contextValue === 'heal.reverted', 'the history to show the outside edit', 30_000);
    assert.strictEqual((await api.records()).at(-1)?.reverts, record.id);
    assert.strictEqual((await source()).getText(), original);
    await waitFor(() => testDiagnostic(), 'the failure to show again', 10_000);
  });

  it('shows progress and toasts in plain words: no backticks, no "healing …: Healing …"', async function () {
    this.timeout(240_000);
    const from = shown.length;
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(TEST_FILE)));
    const verified = next(/^Self-Heal: verified /, 'the toast of Find a Verified Fix');
    const failing = api.healerDeps.diagnostics.failure(String(testDiagnostic()?.code));
    assert.ok(failing, 'the failure shows');
    const report = await vscode.commands.executeCommand<{ heals: HealOutcome[] }>('selfHeal.findFix', [failing]);
    assert.ok(
      report?.heals.some((heal) => heal.fix),
      'a fix was found',
    );
    assert.match((await verified).message, /^Self-Heal: verified ".+ of src\/math\.js" \(✓ 2\/2 tests\)\.$/, 'it names the file the fix edits');
    const progress = shown
      .slice(from)
      .filter((n) => n.severity === 'progress')
      .map((n) => n.message);
    assert.ok(progress.length > 1 && progress.every((line) => line.startsWith('Self-Heal')), JSON.stringify(progress));
    assert.ok(!progress.some((line) => /healing[^:]*: Healing/i.test(line)), JSON.stringify(progress));
    const withBackticks = shown.filter((n) => n.message.includes('`'));
    assert.deepStrictEqual(
      withBackticks.map((n) => n.message),
      [],
      'no notification of this walk-through showed a backtick',
    );
  });

  it('Discard keeps history, diagnostics and lightbulb true, and a toast answered afterwards says it was discarded', async function () {
    this.timeout(60_000);
    const id = (
      await waitFor(
        async () => {
          const diagnostic = testDiagnostic();
          return diagnostic && ours(await codeActions(uri(TEST_FILE), diagnostic.range)).find((action) => action.isPreferred && VERIFIED.test(action.title));
        },
        'a verified fix to discard',
        10_000,
      )
    ).command!.arguments![0] as string;
    const before = await historyHeals();
    const toast = next(/Apply this fix\?$/, 'the preview’s toast');
    await previewTab(id);
    const question = await toast;
    await vscode.commands.executeCommand('selfHeal.discardPreviewedFix');
    assert.deepStrictEqual(
      (await historyHeals()).map((item) => [item.record.id, item.contextValue]),
      before.map((item) => [item.record.id, item.contextValue]),
      'the history is unchanged',
    );
    assert.ok(testDiagnostic(), 'the failure still shows');
    assert.strictEqual(await offered(), undefined, 'the discarded fix is not offered, under any id');
    const actions = ours(await codeActions(uri(TEST_FILE), testDiagnostic()!.range)).map((action) => action.title);
    assert.ok(actions.includes('Self-Heal: find a verified fix'), JSON.stringify(actions));
    const why = next(/no longer on offer/, 'why the late Apply does nothing');
    question.answer('Apply');
    assert.strictEqual((await why).message, 'Self-Heal: This fix is no longer on offer: it was discarded.');
    assert.strictEqual((await source()).getText(), original);
  });
});
