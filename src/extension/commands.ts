/**
 * Every command, in one table (STYLE §2). package.json#contributes.commands must list exactly these
 * ids and titles (the real-VS-Code suite checks it), each with the category "Self-Heal".
 */
import * as vscode from 'vscode';
import type { HealReport } from '../core/api';
import { type Failure, type HealRecord, SelfHealError } from '../core/model';
import { UNDONE_OUTSIDE } from '../core/api';
import type { Log } from '../core/ports';
import type { FolderSession } from './folderSession';
import type { Folders } from './folders';
import { healFailingTests, pickFix, type FixActions } from './healFailingTests';
import { describe, isCancellation } from './healer';
import { clearApiKey, setApiKey } from './llm/apiKeyCommands';
import type { ApiKeys } from './llm/apiKeys';
import type { Notifier } from './notify';
import { fixBadge, fixSummary, plain } from './presentation';
import { previewedOutcome } from './providers/preview';
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
  /** Each folder's healer, fixes and history; a command acts on the folder its target belongs to. */
  folders: Folders;
  history: HistoryView;
  log: Log;
  showLog: () => void;
  apiKeys: ApiKeys;
  notify: Notifier;
}

const PICK_FOLDER = 'Which folder? Self-Heal heals and records each folder on its own';

export function commandTable(s: CommandServices): CommandSpec[] {
  const heal = async (target: HealItem | string | undefined): Promise<{ session: FolderSession; record: HealRecord }> => {
    const found = typeof target === 'string' ? await s.folders.recording(target) : target && (await s.folders.recording(target.record.id, target.root));
    if (!found) throw new SelfHealError('NOT_FOUND', 'Pick a heal in the Self-Heal history view.');
    return found;
  };
  // Fixes are found by their outcome id, in whichever folder offers them.
  const fixes: FixActions = {
    apply: (outcomeId) => s.folders.holding(outcomeId).healer.apply(outcomeId),
    preview: (outcomeId) => s.folders.holding(outcomeId).preview.open(outcomeId),
    triage: (outcome) => s.folders.holding(outcome.id).triage(outcome),
  };
  return [
    {
      id: 'selfHeal.healFailingTests',
      title: 'Heal Failing Tests',
      handler: async () => {
        const session = await s.folders.choose(PICK_FOLDER);
        return session && healFailingTests(session.healer, fixes, s.log, s.notify);
      },
    },
    { id: 'selfHeal.findFix', title: 'Find a Verified Fix', handler: (failures?: Failure[], uri?: vscode.Uri) => findFix(s, fixes, failures, uri) },
    // From the Testing view: a failure any test extension reported, healed like the lightbulb's "find a verified fix".
    {
      id: 'selfHeal.healTestFailure',
      title: 'Heal This Failure',
      handler: async (args?: TestMessageMenuArgs) => {
        const where = args?.test?.uri ?? args?.message?.location?.uri;
        const session = (where && s.folders.of(where)) ?? (await s.folders.choose(PICK_FOLDER));
        return session && findFix(s, fixes, [failureFromTestMessage(args, session.files)], where);
      },
    },
    { id: 'selfHeal.reviewFixes', title: 'Review Verified Fixes', handler: () => reviewFixes(s, fixes) },
    {
      id: 'selfHeal.applyFix',
      title: 'Apply Verified Fix',
      handler: async (outcomeId: string) => s.notify.applied(await fixes.apply(outcomeId)),
    },
    { id: 'selfHeal.previewFix', title: 'Preview Fix', handler: (outcomeId: string) => fixes.preview(outcomeId) },
    // The preview's ✓ confirms like the lightbulb does (issue 15 §8: it used to apply in silence).
    {
      id: 'selfHeal.applyPreviewedFix',
      title: 'Apply Previewed Fix',
      handler: async (uri?: vscode.Uri) => {
        const outcomeId = previewed(uri);
        return s.notify.applied(await s.folders.holding(outcomeId).preview.applyAndClose(outcomeId));
      },
    },
    {
      id: 'selfHeal.discardPreviewedFix',
      title: 'Discard Previewed Fix',
      handler: (uri?: vscode.Uri) => {
        const outcomeId = previewed(uri);
        return s.folders.holding(outcomeId).preview.discardAndClose(outcomeId);
      },
    },
    { id: 'selfHeal.showDiff', title: 'Show Diff', handler: async (item?: HealItem | string) => showRecordDiff((await heal(item)).record) },
    {
      id: 'selfHeal.revertHeal',
      title: 'Revert Heal',
      handler: async (item?: HealItem | string) => {
        const { session } = await heal(item);
        // An undo the debounce has not recorded yet is recorded first, so a revert never races it.
        await session.healer.noticeOutsideChanges();
        const { record: target } = await heal(item);
        const earlier = (await session.records()).find((r) => r.kind === 'revert' && r.reverts === target.id);
        if (earlier) {
          s.history.refresh();
          const how = earlier.summary.endsWith(UNDONE_OUTSIDE) ? ' (it was undone in the editor or outside VS Code)' : '';
          void s.notify.info(`Self-Heal: "${target.summary}" is already reverted${how}; ${target.file} holds the text from before it.`);
          return undefined;
        }
        const reverted = await session.healer.revert(target.id);
        void s.notify.info(`Self-Heal reverted "${reverted.summary}" in ${reverted.file}.`);
        return reverted;
      },
    },
    {
      id: 'selfHeal.copyPatch',
      title: 'Copy Patch',
      handler: async (item?: HealItem | string) => {
        const { record: found } = await heal(item);
        await vscode.env.clipboard.writeText(found.diff);
        void s.notify.info(`Self-Heal: copied the patch of "${found.summary}".`);
        return found.diff;
      },
    },
    { id: 'selfHeal.refreshHistory', title: 'Refresh History', handler: () => s.history.refresh() },
    { id: 'selfHeal.showLog', title: 'Show Log', handler: () => s.showLog() },
    { id: 'selfHeal.setApiKey', title: 'Set API Key', handler: async (key?: string) => setApiKey(await llmServices(s), key) },
    { id: 'selfHeal.clearApiKey', title: 'Clear API Key', handler: async () => clearApiKey(await llmServices(s)) },
  ];
}

/** The LLM endpoint a key is for is a setting, so it is the folder's (the active editor's, or the one picked). */
async function llmServices(s: CommandServices): Promise<Parameters<typeof setApiKey>[0]> {
  const session = await s.folders.choose(PICK_FOLDER);
  if (!session) throw new SelfHealError('CANCELLED', 'No folder was picked.');
  return { apiKeys: s.apiKeys, llmSettings: session.llmSettings, log: s.log, notify: s.notify };
}

/** The verified fixes waiting in every folder (the status bar's "N verified fixes ready"), in Heal Failing Tests' quick pick. */
async function reviewFixes(s: CommandServices, fixes: FixActions): Promise<void> {
  const waiting = s.folders.all().flatMap((session) => session.cache.verified());
  if (!waiting.length) {
    void s.notify.info('Self-Heal has no verified fix waiting. Run "Self-Heal: Heal Failing Tests" to look for some.');
    return;
  }
  await pickFix(waiting, fixes, s.notify);
}

function previewed(uri?: vscode.Uri): string {
  const id = previewedOutcome(uri);
  if (!id) throw new SelfHealError('NOT_FOUND', 'Open a Self-Heal fix preview first (lightbulb → "Preview fix…").');
  return id;
}

/** From the lightbulb (failures and their document given) or the palette (failures at the cursor). */
async function findFix(s: CommandServices, fixes: FixActions, given?: Failure[], where?: vscode.Uri): Promise<HealReport | undefined> {
  let failures = Array.isArray(given) ? given : [];
  const editor = vscode.window.activeTextEditor;
  const session = (where && s.folders.of(where)) ?? (await s.folders.choose(PICK_FOLDER));
  if (!session) return undefined;
  const rel = editor && session.files.relative(editor.document.uri);
  if (!failures.length && editor && rel) {
    const line = editor.selection.active.line;
    const ours = vscode.languages
      .getDiagnostics(editor.document.uri)
      .filter((diagnostic) => diagnostic.range.start.line <= line && diagnostic.range.end.line >= line)
      .map((diagnostic) => session.testFailures.failure(String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code)))
      .filter((failure): failure is Failure => failure !== undefined);
    failures = [...ours, ...session.compileErrors.failuresAt(rel, editor.selection)];
  }
  if (!failures.length) {
    void s.notify.info('Self-Heal: no failure at the cursor. Run "Self-Heal: Heal Failing Tests" to heal the whole test suite.');
    return undefined;
  }
  const report = await session.healer.search(failures, { interactive: true });
  const fix = report?.heals.find((heal) => heal.fix);
  if (report && fix?.fix) {
    // The command resolves with the report now; the choice is acted on when the user makes it.
    const outcomeId = fix.id;
    const summary = fixSummary(fix.fix.candidate.summary, Object.keys(fix.fix.after), rel);
    void s.notify
      .info(`Self-Heal: verified "${summary}" (${fixBadge(fix.fix.evidence, fixes.triage(fix).notes)}).`, 'Apply', 'Preview')
      .then(async (choice) => {
        if (choice === 'Apply') await vscode.commands.executeCommand('selfHeal.applyFix', outcomeId);
        if (choice === 'Preview') await vscode.commands.executeCommand('selfHeal.previewFix', outcomeId);
      });
  } else if (report) {
    void s.notify.warn(`Self-Heal found no verified fix: ${report.heals[0]?.reason ?? 'the failure did not reproduce in the sandbox'}.`);
  }
  return report;
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
