/**
 * Every command, in one table (STYLE §2). package.json#contributes.commands must list exactly these
 * ids and titles (the real-VS-Code suite checks it), each with the category "Self-Heal".
 */
import * as vscode from 'vscode';
import type { HealOutcome, HealReport } from '../core/api';
import { type Failure, type HealRecord, SelfHealError } from '../core/model';
import type { Log } from '../core/ports';
import type { DocumentWorkspaceFiles } from './adapters/workspaceFiles';
import type { DiagnosticFailures } from './collectors/diagnostics';
import type { TestFailureDiagnostics } from './collectors/failureDiagnostics';
import type { FixCache } from './fixCache';
import { healFailingTests, pickFix } from './healFailingTests';
import { describe, type Healer, isCancellation } from './healer';
import { clearApiKey, setApiKey } from './llm/apiKeyCommands';
import type { ApiKeys } from './llm/apiKeys';
import type { LlmSettingsReader } from './llm/settings';
import type { FixTriage } from './policy';
import { fixBadge } from './presentation';
import type { FixPreview } from './providers/preview';
import { failureFromTestMessage, type TestMessageMenuArgs } from './testingView';
import { type HealItem, type HistoryView, showRecordDiff } from './views/history';

export interface CommandSpec {
  id: string;
  /** As shown after the "Self-Heal" category. */
  title: string;
  // Command arguments come from VS Code untyped; each handler checks what it needs.
  handler: (...args: never[]) => unknown;
}

export interface CommandServices {
  healer: Healer;
  preview: FixPreview;
  history: HistoryView;
  triage: (outcome: HealOutcome) => FixTriage;
  cache: FixCache;
  files: DocumentWorkspaceFiles;
  testFailures: TestFailureDiagnostics;
  compileErrors: DiagnosticFailures;
  records: () => Promise<HealRecord[]>;
  log: Log;
  showLog: () => void;
  apiKeys: ApiKeys;
  llmSettings: LlmSettingsReader;
}

export function commandTable(s: CommandServices): CommandSpec[] {
  const record = async (target: HealItem | string | undefined): Promise<HealRecord> => {
    const id = typeof target === 'string' ? target : target?.record.id;
    const found = (await s.records()).find((candidate) => candidate.id === id && candidate.kind === 'apply');
    if (!found) throw new SelfHealError('NOT_FOUND', 'Pick a heal in the Self-Heal history view.');
    return found;
  };
  return [
    { id: 'selfHeal.healFailingTests', title: 'Heal Failing Tests', handler: () => healFailingTests(s.healer, s.preview, s.triage, s.log) },
    { id: 'selfHeal.findFix', title: 'Find a Verified Fix', handler: (failures?: Failure[]) => findFix(s, failures) },
    // From the Testing view: a failure any test extension reported, healed like the lightbulb's "find a verified fix".
    { id: 'selfHeal.healTestFailure', title: 'Heal This Failure', handler: async (args?: TestMessageMenuArgs) => findFix(s, [failureFromTestMessage(args, s.files)]) },
    { id: 'selfHeal.reviewFixes', title: 'Review Verified Fixes', handler: () => reviewFixes(s) },
    {
      id: 'selfHeal.applyFix',
      title: 'Apply Verified Fix',
      handler: async (outcomeId: string) => {
        const applied = await s.healer.apply(outcomeId);
        void vscode.window.showInformationMessage(`Self-Heal applied "${applied.summary}" to ${applied.file}. Undo with Ctrl+Z, or revert it from the history.`);
        return applied;
      },
    },
    { id: 'selfHeal.previewFix', title: 'Preview Fix', handler: (outcomeId: string) => s.preview.open(outcomeId) },
    { id: 'selfHeal.applyPreviewedFix', title: 'Apply Previewed Fix', handler: (uri?: vscode.Uri) => s.preview.applyAndClose(previewed(s, uri)) },
    { id: 'selfHeal.discardPreviewedFix', title: 'Discard Previewed Fix', handler: (uri?: vscode.Uri) => s.preview.discardAndClose(previewed(s, uri)) },
    { id: 'selfHeal.showDiff', title: 'Show Diff', handler: async (item?: HealItem | string) => showRecordDiff(await record(item)) },
    {
      id: 'selfHeal.revertHeal',
      title: 'Revert Heal',
      handler: async (item?: HealItem | string) => {
        const reverted = await s.healer.revert((await record(item)).id);
        void vscode.window.showInformationMessage(`Self-Heal reverted "${reverted.summary}" in ${reverted.file}.`);
        return reverted;
      },
    },
    {
      id: 'selfHeal.copyPatch',
      title: 'Copy Patch',
      handler: async (item?: HealItem | string) => {
        const found = await record(item);
        await vscode.env.clipboard.writeText(found.diff);
        void vscode.window.showInformationMessage(`Copied the patch of "${found.summary}".`);
        return found.diff;
      },
    },
    { id: 'selfHeal.refreshHistory', title: 'Refresh History', handler: () => s.history.refresh() },
    { id: 'selfHeal.showLog', title: 'Show Log', handler: () => s.showLog() },
    { id: 'selfHeal.setApiKey', title: 'Set API Key', handler: (key?: string) => setApiKey(s, key) },
    { id: 'selfHeal.clearApiKey', title: 'Clear API Key', handler: () => clearApiKey(s) },
  ];
}

/** The verified fixes waiting in the cache (the status bar's "N verified fixes ready"), in Heal Failing Tests' quick pick. */
async function reviewFixes(s: CommandServices): Promise<void> {
  const fixes = s.cache.verified();
  if (!fixes.length) {
    void vscode.window.showInformationMessage('Self-Heal has no verified fix waiting. Run "Self-Heal: Heal Failing Tests" to look for some.');
    return;
  }
  await pickFix(fixes, s.healer, s.preview, s.triage);
}

function previewed(s: CommandServices, uri?: vscode.Uri): string {
  const id = s.preview.outcomeOf(uri);
  if (!id) throw new SelfHealError('NOT_FOUND', 'Open a Self-Heal fix preview first (lightbulb → "Preview fix…").');
  return id;
}

/** From the lightbulb (failures given) or the palette (failures at the cursor). */
async function findFix(s: CommandServices, given?: Failure[]): Promise<HealReport | undefined> {
  let failures = Array.isArray(given) ? given : [];
  const editor = vscode.window.activeTextEditor;
  const rel = editor && s.files.relative(editor.document.uri);
  if (!failures.length && editor && rel) {
    const line = editor.selection.active.line;
    const ours = vscode.languages
      .getDiagnostics(editor.document.uri)
      .filter((diagnostic) => diagnostic.range.start.line <= line && diagnostic.range.end.line >= line)
      .map((diagnostic) => s.testFailures.failure(String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code)))
      .filter((failure): failure is Failure => failure !== undefined);
    failures = [...ours, ...s.compileErrors.failuresAt(rel, editor.selection)];
  }
  if (!failures.length) {
    void vscode.window.showInformationMessage('No failure at the cursor. Run "Self-Heal: Heal Failing Tests" to heal the whole test suite.');
    return undefined;
  }
  const report = await s.healer.search(failures, { interactive: true });
  const fix = report?.heals.find((heal) => heal.fix);
  if (report && fix?.fix) {
    // The command resolves with the report now; the choice is acted on when the user makes it.
    const outcomeId = fix.id;
    void vscode.window
      .showInformationMessage(`Self-Heal: verified "${fix.fix.candidate.summary}" (${fixBadge(fix.fix.evidence, s.triage(fix).notes)}).`, 'Apply', 'Preview')
      .then(async (choice) => {
        if (choice === 'Apply') await vscode.commands.executeCommand('selfHeal.applyFix', outcomeId);
        if (choice === 'Preview') await vscode.commands.executeCommand('selfHeal.previewFix', outcomeId);
      });
  } else if (report) {
    void vscode.window.showWarningMessage(`Self-Heal found no verified fix: ${report.heals[0]?.reason ?? 'the failure did not reproduce in the sandbox'}.`);
  }
  return report;
}

/** Commands report errors to the user here, once, in words they can act on. */
export function register(spec: CommandSpec, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(spec.id, async (...args: never[]) => {
    try {
      return await spec.handler(...args);
    } catch (error) {
      if (isCancellation(error)) return undefined;
      log.error(`${spec.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      void vscode.window.showErrorMessage(describe(error));
      return undefined;
    }
  });
}
