/**
 * Failures from the Testing view, as the Jest and Vitest extensions report them: this suite
 * registers a small TestController of its own that reports the fixture's failing test with a
 * TestMessage, then runs "Self-Heal: Heal This Failure" with the arguments VS Code gives a
 * `testing/message/context` command ({ test, message }). And the status bar item, which says
 * what Self-Heal is doing: healing…, N verified fixes ready, or off.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { HealReport } from '../../../src/core/api';
import type { SelfHealApi } from '../../../src/extension/activate';
import { selfHeal, setMode, uri, waitFor } from './helpers';

const TEST_FILE = 'test/math.test.js';
const SOURCE_FILE = 'src/math.js';
const TEST_NAME = 'add sums two numbers';

describe('the Testing view and the status bar', () => {
  let api: SelfHealApi;
  let controller: vscode.TestController;
  let test: vscode.TestItem;
  let message: vscode.TestMessage;

  before(async function () {
    this.timeout(240_000);
    api = await selfHeal();
    await waitFor(() => api.healer.busy === 0, 'the extension to finish any heal', 240_000);
    const source = (await vscode.workspace.openTextDocument(uri(SOURCE_FILE))).getText();
    assert.match(source, /return a - b;/, 'the fixture has its bug');
    const testDoc = await vscode.workspace.openTextDocument(uri(TEST_FILE));
    const declared = testDoc
      .getText()
      .split('\n')
      .findIndex((line) => line.includes(TEST_NAME));
    const assertion = testDoc
      .getText()
      .split('\n')
      .findIndex((line) => line.includes('add(2, 3)'));

    // What a test extension does: a file item, a test item under it, and a run that fails it.
    controller = vscode.tests.createTestController('selfHealSpecTests', 'Self-Heal spec tests');
    const file = controller.createTestItem(TEST_FILE, 'math.test.js', uri(TEST_FILE));
    test = controller.createTestItem(`${TEST_FILE}/${TEST_NAME}`, TEST_NAME, uri(TEST_FILE));
    test.range = new vscode.Range(declared, 0, declared, 0);
    file.children.add(test);
    controller.items.add(file);
    message = vscode.TestMessage.diff('Expected values to be strictly equal:\n\n-1 !== 5\n', '5', '-1');
    message.location = new vscode.Location(uri(TEST_FILE), new vscode.Range(assertion, 2, assertion, 2));
    const run = controller.createTestRun(new vscode.TestRunRequest([test]), 'failing run', false);
    run.started(test);
    run.failed(test, message, 12);
    run.end();
    api.cache.clear();
  });

  after(async () => {
    controller?.dispose();
    api.cache.clear();
    await setMode(undefined);
  });

  it('is hidden while Self-Heal is idle and no fix waits', () => {
    assert.strictEqual(api.statusBar.shown, undefined);
  });

  it('"Heal This Failure" on a failed test message heals that failure with the workspace test command; the status bar spins meanwhile, then offers the fix', async function () {
    this.timeout(240_000);
    const seen: string[] = [];
    // The status bar listens first, so at each change it already shows the new state.
    const subscription = api.healer.onDidChangeBusy(() => seen.push(api.statusBar.shown?.text ?? 'hidden'));
    let report: HealReport | undefined;
    try {
      report = await vscode.commands.executeCommand<HealReport>('selfHeal.healTestFailure', { test, message });
    } finally {
      subscription.dispose();
    }
    assert.ok(report, 'the command ran a heal');
    assert.strictEqual(seen[0], '$(sync~spin) Self-Heal: healing…', JSON.stringify(seen));
    assert.strictEqual(report.heals.length, 1, 'only the failure it was asked about');
    const [heal] = report.heals;
    assert.strictEqual(heal!.failures[0]!.name, TEST_NAME);
    assert.ok(heal!.fix, `a verified fix: ${heal!.reason}`);
    assert.match(heal!.fix.after[SOURCE_FILE]!, /return a \+ b;/);
    assert.strictEqual(heal!.fix.evidence.suite.passed, heal!.fix.evidence.suite.total);
    assert.strictEqual(api.cache.outcome(heal!.id)?.id, heal!.id, 'the fix is offered like any other: the lightbulb and the quick pick read the cache');
    assert.strictEqual(api.statusBar.shown?.text, '$(lightbulb-autofix) 1 verified fix ready');
    assert.strictEqual(api.statusBar.shown.command.id, 'selfHeal.reviewFixes');
    assert.strictEqual((await vscode.workspace.openTextDocument(uri(SOURCE_FILE))).getText().includes('return a - b;'), true, 'nothing is applied unasked');
  });

  it('says in plain words where to run it from when it gets no test message', async () => {
    const handler = api.commands.find((command) => command.id === 'selfHeal.healTestFailure')!.handler as (args?: unknown) => Promise<unknown>;
    await assert.rejects(handler(undefined), /Run "Heal This Failure" from a failed test in the Testing view/);
    await assert.rejects(handler({ test }), /Run "Heal This Failure" from a failed test in the Testing view/);
  });

  it('says "off" when selfHeal.mode is off, and shows the fixes again when it is back on', async () => {
    await setMode('off');
    await waitFor(() => api.statusBar.shown?.text === '$(circle-slash) Self-Heal: off', 'the status bar to say off', 10_000);
    assert.deepStrictEqual(api.statusBar.shown?.command, { id: 'workbench.action.openSettings', args: ['selfHeal.mode'] });
    await setMode(undefined);
    await waitFor(() => api.statusBar.shown?.text === '$(lightbulb-autofix) 1 verified fix ready', 'the status bar to offer the fix again', 10_000);
  });

  it('binds Ctrl+Alt+H to Heal Failing Tests, a key no other command of VS Code uses', async () => {
    // The Default Keybindings document lists what VS Code and its extensions bind on this platform.
    const defaults = (await vscode.workspace.openTextDocument(vscode.Uri.parse('vscode://defaultsettings/keybindings.json'))).getText();
    const bound = [...defaults.matchAll(/\{\s*"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"/g)]
      .filter(([, key]) => key === 'ctrl+alt+h')
      .map(([, , command]) => command);
    assert.deepStrictEqual(bound, ['selfHeal.healFailingTests']);
  });

  it('hides again once no fix waits', () => {
    api.cache.clear();
    assert.strictEqual(api.statusBar.shown, undefined);
  });
});
