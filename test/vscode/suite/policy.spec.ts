/**
 * selfHeal.policy in the real extension (issue 8), on the calc fixture (add() subtracts): what
 * each mode does with the verified fix, what the user reads next to it, and what goes back into
 * the ledger. The fix the core verifies here is `-` → `+`; its mutation guard runs for real and
 * kills the one mutant of the changed line, and the suite has 2 tests — one short of the default
 * floor (minSuiteTests 3), which the autoApply test relies on.
 * The test-weakening fix is made by hand (the offline engine never proposes one), labelled by the
 * core's real test-weakening guard, and applied through the extension's own Healer with the
 * confirmation modal answered by a stand-in (api.healerDeps.confirm): a modal dialog would block
 * the smoke-test driver. Heals run only through the extension.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { HealOutcome } from '../../../src/core/api';
import { createTwoFilesPatch } from 'diff';
import { initTreeSitter } from '../../../src/core/analysis/treeSitter';
import type { Candidate, Failure, HealRecord, SelfHealError } from '../../../src/core/model';
import { decidedHeals } from '../../../src/core/record/decisions';
import { attachGuard, WEAKENS, weakeningGuard } from '../../../src/core/guards';
import type { SelfHealApi } from '../../../src/extension/activate';
import type { Prompt } from '../../../src/extension/confirm';
import type { HealFailingTestsResult } from '../../../src/extension/healFailingTests';
import { codeActions, EXTENSION_ID, historyHeals, ourDiagnostics, ours, previewTab, selfHeal, setMode, uri, waitFor, withTimeout } from './helpers';

const TEST_FILE = 'test/math.test.js';
const SOURCE_FILE = 'src/math.js';
const VERIFIED = /^Self-Heal: .+ \(✓ \d+\/\d+ tests( · [^)]+)?\)$/;

/** Set selfHeal.policy for the workspace, and resolve once the extension has seen the change. */
async function setPolicy(policy: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('selfHeal');
  if (JSON.stringify(config.inspect('policy')?.workspaceValue) === JSON.stringify(policy)) return;
  // The extension subscribed at activation, before this listener, so it has reread the policy when this one runs.
  const seen = new Promise<void>((resolve) => {
    const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('selfHeal.policy')) return;
      subscription.dispose();
      resolve();
    });
  });
  await config.update('policy', policy, vscode.ConfigurationTarget.Workspace);
  await withTimeout(seen, 5_000, 'the policy change to reach the extension');
}

async function healAll(): Promise<HealFailingTestsResult> {
  const result = await vscode.commands.executeCommand<HealFailingTestsResult>('selfHeal.healFailingTests');
  assert.ok(result, 'Heal Failing Tests ran');
  assert.strictEqual(result.report.baseline.failed, 1);
  return result;
}

const verified = (result: HealFailingTestsResult): HealOutcome => {
  const outcome = result.report.heals.find((heal) => heal.fix);
  assert.ok(outcome?.fix, `a verified fix: ${result.summary}`);
  return outcome;
};

/** Take the rejections out of the workspace's ledger (a fixture reset: the extension offers no "undo Discard"). */
function forgetRejections(): void {
  const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.self-heal', 'ledger.jsonl');
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
  const kept = lines.filter((line) => (JSON.parse(line) as HealRecord).decision?.verdict !== 'rejected');
  assert.ok(kept.length < lines.length, 'the ledger held the rejection');
  fs.writeFileSync(file, kept.map((line) => `${line}\n`).join(''));
}

const sourceText = async (): Promise<string> => (await vscode.workspace.openTextDocument(uri(SOURCE_FILE))).getText();

async function fixAction(outcomeId: string, file = TEST_FILE, line?: number): Promise<vscode.CodeAction | undefined> {
  const range = line === undefined ? ourDiagnostics(uri(file))[0]?.range : new vscode.Range(line, 0, line, 0);
  assert.ok(range, `a failure to ask the lightbulb about in ${file}`);
  return ours(await codeActions(uri(file), range)).find((action) => action.command?.arguments?.[0] === outcomeId);
}

describe('policies (selfHeal.policy)', () => {
  let api: SelfHealApi;
  let original: string;
  /** The failing test, as the core reported it. */
  let addFails: Failure;

  before(async () => {
    api = await selfHeal();
    original = await sourceText();
    assert.match(original, /return a - b;/, 'the fixture has its bug');
  });

  after(async () => {
    await setPolicy(undefined);
    await setMode(undefined);
    assert.strictEqual(await sourceText(), original, 'every heal applied here was reverted');
  });

  it('offers the fix with what its guards found, and "Discard" in the preview records it as rejected', async function () {
    this.timeout(240_000);
    const outcome = verified(await healAll());
    addFails = outcome.failures[0]!;
    const mutation = outcome.fix!.evidence.guards?.find((guard) => guard.guard === 'mutation');
    assert.ok(mutation?.mutants && mutation.mutants.killed >= 1, `the mutation guard killed a mutant: ${JSON.stringify(mutation)}`);
    assert.strictEqual(mutation.label, undefined, 'so the fix is not "weakly tested"');
    assert.deepStrictEqual(api.triage(outcome).notes, []);
    const action = await fixAction(outcome.id);
    // On the test's line, the title names the file the fix edits, and shows code in quotes, not backticks (issue 15 §8).
    assert.match(action?.title ?? '', /^Self-Heal: replace '-' with '\+' on line 4 of src\/math\.js \(✓ 2\/2 tests\)$/);
    assert.ok(action?.isPreferred);
    assert.match(
      action.command?.tooltip ?? '',
      /\nmutation guard: 1\/1 mutant killed; .+\npolicy: suggest \(code-bug uses selfHeal\.policy\.default \(suggest\)\)$/,
    );

    const tab = await previewTab(outcome.id);
    assert.strictEqual(tab.label, "math.js ↔ Self-Heal: replace '-' with '+' on line 4 (✓ 2/2 tests)");
    await vscode.commands.executeCommand('selfHeal.discardPreviewedFix');
    await waitFor(
      () =>
        !vscode.window.tabGroups.all.some((group) =>
          group.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.path.includes(outcome.id)),
        ),
      'the preview to close',
      5_000,
    );

    const records = await api.records();
    const last = records.at(-1)!;
    assert.strictEqual(last.kind, 'decision');
    assert.deepStrictEqual(last.decision, { verdict: 'rejected', of: outcome.id, note: 'discarded in the preview' });
    assert.deepStrictEqual(decidedHeals(records).at(-1), {
      heal: outcome.id,
      verdict: 'rejected',
      engine: 'mutation',
      operator: 'binary-operator',
      class: 'code-bug',
      at: last.at,
    });
    assert.strictEqual(api.cache.outcome(outcome.id), undefined, 'no longer offered');
    assert.strictEqual(await sourceText(), original, 'and nothing changed');
    assert.ok(!(await historyHeals()).some((item) => item.record.id === outcome.id), 'a rejection is not a heal in the history');
  });

  it('gives the next heal the decisions in the ledger, so the discarded fix is not offered again', async function () {
    this.timeout(240_000);
    const reads: HealRecord[][] = [];
    const deps = api.healerDeps;
    const ledger = deps.ledger;
    // The live healer reads its deps on each use: watch what it reads from the ledger.
    deps.ledger = async () => {
      const real = await ledger();
      const read = async (): Promise<HealRecord[]> => {
        const records = await real.read();
        reads.push(records);
        return records;
      };
      return { append: (record) => real.append(record), read };
    };
    try {
      const report = await api.healer.search(undefined, { interactive: false });
      assert.ok(report?.heals.length, 'the heal ran');
      assert.ok(
        report.heals.every((heal) => !heal.fix),
        'the one verified fix was discarded, so none is offered',
      );
      assert.match(report.heals[0]!.reason ?? '', /The verified fix "replace `-` with `\+` on line 4" was discarded earlier, so it is not offered again\.$/);
    } finally {
      deps.ledger = ledger;
    }
    assert.ok(
      reads.some((records) => records.some((record) => record.kind === 'decision' && record.decision?.verdict === 'rejected')),
      'the rejection was read for the heal',
    );
    // The specs after this one need the fix offered: the workspace's ledger goes back to what it was before the Discard.
    forgetRejections();
  });

  it('hides the fix of a class the policy turns off: no quick fix, no offer to look for one, and the summary says why', async function () {
    this.timeout(240_000);
    // A fix of its own to hide: a Discard now takes every cached copy of the discarded change off
    // offer (issue 15 §8), so none is left over from the specs before.
    const cached = verified(await healAll());
    assert.ok(await fixAction(cached.id), 'offered while code-bug is suggested');
    await setPolicy({ classes: { 'code-bug': 'off' } });
    assert.strictEqual(await fixAction(cached.id), undefined, 'the lightbulb reads the policy live');

    api.cache.clear();
    const result = await healAll();
    assert.deepStrictEqual(
      result.report.heals.filter((heal) => heal.fix),
      [],
    );
    const reason = 'selfHeal.policy.classes["code-bug"] is off, so Self-Heal does not offer its fix';
    assert.strictEqual(result.report.heals[0]?.reason, reason);
    assert.match(result.summary, /^Self-Heal: no verified fix for 1 failing test \(\d+\.\d+s\): selfHeal\.policy\.classes\["code-bug"\] is off/);
    assert.deepStrictEqual(api.cache.state(result.report.heals[0]!.failures[0]!.id), { state: 'off', reason });
    const diagnostic = ourDiagnostics(uri(TEST_FILE))[0];
    assert.ok(diagnostic, 'the failure still shows');
    assert.deepStrictEqual(
      ours(await codeActions(uri(TEST_FILE), diagnostic.range)).map((action) => action.title),
      [],
    );
  });

  it('shows a review-class fix marked "needs review", not preferred, and never applies it, even with selfHeal.mode = autoApply', async function () {
    this.timeout(240_000);
    await setPolicy({ classes: { 'code-bug': 'review' }, autoApplyFloor: { minSuiteTests: 2 } });
    await setMode('autoApply');
    await waitFor(() => api.settings.get().mode === 'autoApply', 'the mode to switch', 5_000);
    try {
      const result = await healAll();
      assert.deepStrictEqual(result.applied, []);
      assert.strictEqual(await sourceText(), original);
      const outcome = verified(result);
      const triage = api.triage(outcome);
      assert.strictEqual(triage.mode, 'review');
      assert.strictEqual(triage.autoApply, false);
      const action = await fixAction(outcome.id);
      assert.match(action?.title ?? '', /\(✓ 2\/2 tests · needs review\)$/);
      assert.match(action!.title, VERIFIED);
      assert.strictEqual(action!.isPreferred, false, 'the auto-fix keybinding does not apply it unseen');
      const tab = await previewTab(outcome.id);
      assert.match(tab.label, /\(✓ 2\/2 tests · needs review\)$/);
      await vscode.window.tabGroups.close(tab);
    } finally {
      await setMode(undefined);
      await waitFor(() => api.settings.get().mode === 'suggest', 'the mode to switch back', 5_000);
    }
  });

  it('auto-applies an autoApply-class fix only once it clears the floor, and records accepted, then reverted', async function () {
    this.timeout(240_000);
    await setPolicy({ classes: { 'code-bug': 'autoApply' } });
    const short = await healAll();
    assert.deepStrictEqual(short.applied, [], 'two tests are one short of the default floor');
    const suggested = api.triage(verified(short));
    assert.strictEqual(suggested.mode, 'suggest');
    assert.deepStrictEqual(
      suggested.reasons,
      ['selfHeal.policy.classes["code-bug"] is autoApply', 'not auto-applied: only 2 passing test(s) verified it (autoApplyFloor.minSuiteTests is 3)'],
      'the mutation guard part of the floor is met',
    );

    await setPolicy({ classes: { 'code-bug': 'autoApply' }, autoApplyFloor: { minSuiteTests: 2 } });
    const result = await healAll();
    assert.strictEqual(result.applied.length, 1, result.summary);
    assert.match(result.summary, /^Self-Heal: applied 1 of 1 verified fix for 1 failing test/);
    assert.match(await sourceText(), /return a \+ b;/);
    let records = await api.records();
    assert.deepStrictEqual(
      decidedHeals(records)
        .filter((d) => d.heal === result.applied[0])
        .map((d) => d.verdict),
      ['accepted'],
    );

    await vscode.commands.executeCommand('selfHeal.revertHeal', result.applied[0]);
    assert.strictEqual(await sourceText(), original);
    records = await api.records();
    assert.strictEqual(decidedHeals(records).at(-1)?.heal, result.applied[0]);
    assert.strictEqual(decidedHeals(records).at(-1)?.verdict, 'reverted');
  });

  describe('a fix that weakens tests', () => {
    let outcome: HealOutcome;
    let testText: string;
    let weakened: string;

    before(async () => {
      await initTreeSitter(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist'));
      testText = (await vscode.workspace.openTextDocument(uri(TEST_FILE))).getText();
      const from = 'assert.strictEqual(add(2, 3), 5);';
      const to = 'assert.ok(add(2, 3));';
      const start = testText.indexOf(from);
      assert.ok(start > 0);
      weakened = testText.replace(from, to);
      const failure = addFails;
      const candidate: Candidate = {
        id: 'llm-weakening',
        engine: 'llm',
        operator: 'repair',
        summary: 'accept any result of add(2, 3)',
        edits: [{ file: TEST_FILE, start, end: start + from.length, newText: to }],
        cost: 1,
        editsTests: true,
      };
      const report = await weakeningGuard(candidate, { [TEST_FILE]: testText }, [failure]);
      assert.strictEqual(report?.label, WEAKENS, `the core's guard labels it: ${JSON.stringify(report)}`);
      const before = { [TEST_FILE]: testText };
      const after = { [TEST_FILE]: weakened };
      const guarded = attachGuard({ candidate, evidence: { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } } }, report);
      outcome = {
        id: 'h-spec-weakens',
        failures: [failure],
        diagnosis: { failures: [failure], class: 'code-bug', evidence: [], locations: [] },
        fix: {
          candidate: guarded.candidate,
          evidence: guarded.evidence,
          diff: createTwoFilesPatch(`a/${TEST_FILE}`, `b/${TEST_FILE}`, testText, weakened),
          before,
          after,
        },
        tried: [],
        candidatesTried: 1,
        testRuns: 1,
        ms: 1,
      };
      // The most permissive policy there is: only the guard stands between this fix and the file.
      await setPolicy({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false, minSuiteTests: 0, maxChangedLines: 100 } });
      api.cache.record([outcome]);
    });

    after(() => api.cache.remove(outcome.id));

    it('is labelled in the lightbulb and the preview, and is not the preferred fix', async () => {
      const line = testText.slice(0, outcome.fix!.candidate.edits[0]!.start).split('\n').length - 1;
      const action = await fixAction(outcome.id, TEST_FILE, line);
      assert.strictEqual(action?.title, 'Self-Heal: accept any result of add(2, 3) (✓ 2/2 tests · test edit · weakens tests · needs review)');
      assert.strictEqual(action.isPreferred, false);
      assert.match(action.command?.tooltip ?? '', /test-weakening guard \(weakens tests\): /);
      const tab = await previewTab(outcome.id);
      assert.match(tab.label, /^math\.test\.js ↔ Self-Heal: accept any result of add\(2, 3\) \(✓ 2\/2 tests · test edit · weakens tests · needs review\)$/);
      await vscode.window.tabGroups.close(tab);
    });

    it('is never auto-applied, and is applied by a person only after confirming in the modal', async () => {
      const asked: Prompt[] = [];
      let answer = false;
      const healer = api.healer;
      const modal = api.healerDeps.confirm;
      api.healerDeps.confirm = async (prompt) => {
        asked.push(prompt);
        return answer;
      };
      try {
        assert.deepStrictEqual(await healer.autoApply({ heals: [outcome] }), []);
        assert.strictEqual(asked.length, 0, 'auto-apply does not even ask');

        await assert.rejects(healer.apply(outcome.id), (error: SelfHealError) => error.code === 'CANCELLED');
        assert.strictEqual(asked.length, 1);
        assert.strictEqual(asked[0]!.message, 'Self-Heal: "accept any result of add(2, 3)" weakens tests. Apply it anyway?');
        assert.strictEqual(asked[0]!.confirm, 'Apply Anyway');
        const finding = outcome.fix!.evidence.guards![0]!.findings.find((f) => !f.startsWith('note: '));
        assert.ok(asked[0]!.detail.startsWith(`• ${finding}\n`), asked[0]!.detail);
        assert.strictEqual((await vscode.workspace.openTextDocument(uri(TEST_FILE))).getText(), testText, 'declined: nothing changed');
        assert.ok(!(await api.records()).some((record) => record.id === outcome.id), 'nor recorded');
        assert.ok(api.cache.outcome(outcome.id), 'and it is still on offer');

        answer = true;
        const applied = await healer.apply(outcome.id);
        assert.strictEqual(asked.length, 2);
        assert.strictEqual((await vscode.workspace.openTextDocument(uri(TEST_FILE))).getText(), weakened);
        await healer.revert(applied.id);
        assert.strictEqual((await vscode.workspace.openTextDocument(uri(TEST_FILE))).getText(), testText);
      } finally {
        api.healerDeps.confirm = modal;
      }
    });
  });
});
