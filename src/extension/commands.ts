/**
 * Every command, in one table (STYLE §2). package.json#contributes.commands must list exactly these
 * ids and titles (the real-VS-Code suite checks it), each with the category "Self-Heal".
 */
import * as vscode from 'vscode';
import type { HealOutcome, HealReport } from '../core/api';
import { type Failure, type HealRecord, SelfHealError } from '../core/model';
import { UNDONE_OUTSIDE } from '../core/api';
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
import type { Notifier } from './notify';
import { fixBadge, fixSummary, plain } from './presentation';
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
  notify: Notifier;
}

export function commandTable(s: CommandServices): CommandSpec[] {
  const record = async (target: HealItem | string | undefined): Promise<HealRecord> => {
    const id = typeof target === 'string' ? target : target?.record.id;
    const found = (await s.records()).find((candidate) => candidate.id === id && candidate.kind === 'apply');
    if (!found) throw new SelfHealError('NOT_FOUND', 'Pick a heal in the Self-Heal history view.');
    return found;
  };
  return [
    { id: 'selfHeal.healFailingTests', title: 'Heal Failing Tests', handler: () => healFailingTests(s.healer, s.preview, s.triage, s.log, s.notify) },
    { id: 'selfHeal.findFix', title: 'Find a Verified Fix', handler: (failures?: Failure[]) => findFix(s, failures) },
    // From the Testing view: a failure any test extension reported, healed like the lightbulb's "find a verified fix".
    {
      id: 'selfHeal.healTestFailure',
      title: 'Heal This Failure',
      handler: async (args?: TestMessageMenuArgs) => findFix(s, [failureFromTestMessage(args, s.files)]),
    },
    { id: 'selfHeal.reviewFixes', title: 'Review Verified Fixes', handler: () => reviewFixes(s) },
    {
      id: 'selfHeal.applyFix',
      title: 'Apply Verified Fix',
      handler: async (outcomeId: string) => s.notify.applied(await s.healer.apply(outcomeId)),
    },
    { id: 'selfHeal.previewFix', title: 'Preview Fix', handler: (outcomeId: string) => s.preview.open(outcomeId) },
    // The preview's ✓ confirms like the lightbulb does (issue 15 §8: it used to apply in silence).
    {
      id: 'selfHeal.applyPreviewedFix',
      title: 'Apply Previewed Fix',
      handler: async (uri?: vscode.Uri) => s.notify.applied(await s.preview.applyAndClose(previewed(s, uri))),
    },
    { id: 'selfHeal.discardPreviewedFix', title: 'Discard Previewed Fix', handler: (uri?: vscode.Uri) => s.preview.discardAndClose(previewed(s, uri)) },
    { id: 'selfHeal.showDiff', title: 'Show Diff', handler: async (item?: HealItem | string) => showRecordDiff(await record(item)) },
    {
      id: 'selfHeal.revertHeal',
      title: 'Revert Heal',
      handler: async (item?: HealItem | string) => {
        // An undo the debounce has not recorded yet is recorded first, so a revert never races it.
        await s.healer.noticeOutsideChanges();
        const target = await record(item);
        const earlier = (await s.records()).find((r) => r.kind === 'revert' && r.reverts === target.id);
        if (earlier) {
          s.history.refresh();
          const how = earlier.summary.endsWith(UNDONE_OUTSIDE) ? ' (it was undone in the editor or outside VS Code)' : '';
          void s.notify.info(`Self-Heal: "${target.summary}" is already reverted${how}; ${target.file} holds the text from before it.`);
          return undefined;
        }
        const reverted = await s.healer.revert(target.id);
        void s.notify.info(`Self-Heal reverted "${reverted.summary}" in ${reverted.file}.`);
        return reverted;
      },
    },
    {
      id: 'selfHeal.copyPatch',
      title: 'Copy Patch',
      handler: async (item?: HealItem | string) => {
        const found = await record(item);
        await vscode.env.clipboard.writeText(found.diff);
        void s.notify.info(`Self-Heal: copied the patch of "${found.summary}".`);
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
    void s.notify.info('Self-Heal has no verified fix waiting. Run "Self-Heal: Heal Failing Tests" to look for some.');
    return;
  }
  await pickFix(fixes, s.healer, s.preview, s.triage, s.notify);
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
    void s.notify.info('Self-Heal: no failure at the cursor. Run "Self-Heal: Heal Failing Tests" to heal the whole test suite.');
    return undefined;
  }
  const report = await s.healer.search(failures, { interactive: true });
  const fix = report?.heals.find((heal) => heal.fix);
  if (report && fix?.fix) {
    // The command resolves with the report now; the choice is acted on when the user makes it.
    const outcomeId = fix.id;
    const summary = fixSummary(fix.fix.candidate.summary, Object.keys(fix.fix.after), activeFile(s));
    void s.notify.info(`Self-Heal: verified "${summary}" (${fixBadge(fix.fix.evidence, s.triage(fix).notes)}).`, 'Apply', 'Preview').then(async (choice) => {
      if (choice === 'Apply') await vscode.commands.executeCommand('selfHeal.applyFix', outcomeId);
      if (choice === 'Preview') await vscode.commands.executeCommand('selfHeal.previewFix', outcomeId);
    });
  } else if (report) {
    void s.notify.warn(`Self-Heal found no verified fix: ${report.heals[0]?.reason ?? 'the failure did not reproduce in the sandbox'}.`);
  }
  return report;
}

/** The workspace file in the active editor, if any: the file a toast's words are read next to. */
function activeFile(s: Pick<CommandServices, 'files'>): string | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && s.files.relative(editor.document.uri);
}

/**
 * Commands report errors to the user here, once, in words they can act on. A SelfHealError is
 * such a message (a stale fix, a heal already reverted): a warning, logged without a stack. Anything
 * else is a bug of ours: an error, with its stack in the log.
 */
export function register(spec: CommandSpec, log: Log, notify: Notifier): vscode.Disposable {
  return vscode.commands.registerCommand(spec.id, async (...args: never[]) => {
    try {
      return await spec.handler(...args);
    } catch (error) {
      if (isCancellation(error)) return undefined;
      const message = describe(error);
      const shown = message.startsWith('Self-Heal') ? message : `Self-Heal: ${message}`;
      if (error instanceof SelfHealError) {
        log.warn(`${spec.id}: ${plain(message)}`);
        void notify.warn(shown);
      } else {
        log.error(`${spec.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void notify.error(shown);
      }
      return undefined;
    }
  });
}
