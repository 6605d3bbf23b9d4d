/**
 * The composition root (STYLE §2): builds the ports and registers every command, provider, view
 * and collector, from here only; what one workspace folder needs (its healer, ledger, collectors)
 * is built by folderSession.ts, once per folder, which this root calls through Folders. Activation
 * does no I/O beyond creating objects: the core, the ledger and tree-sitter load on first use or
 * in the background (goal ≤ 100 ms, issue 4).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../core/api';
import type { HealRecord } from '../core/model';
import { channelLog } from './adapters/log';
import { resolveTestCommand } from './adapters/tasks';
import type { TaskTestRuns } from './collectors/tasks';
import { commandTable, register, type CommandSpec } from './commands';
import { loadTreeSitter } from './core';
import type { FixCache } from './fixCache';
import { openFolderSession, type FolderSession } from './folderSession';
import { Folders } from './folders';
import type { Healer, HealerDeps } from './healer';
import { ApiKeys } from './llm/apiKeys';
import type { LlmSettingsReader } from './llm/settings';
import { Notifier } from './notify';
import type { FixTriage, PolicyReader } from './policy';
import { FolderCodeActions, HealCodeActions, type CodeActionDeps } from './providers/codeActions';
import { SCHEME, SelfHealContent } from './providers/content';
import type { SettingsReader } from './settings';
import { SelfHealStatusBar } from './statusBar';
import { HistoryView } from './views/history';

/**
 * What activate returns: for the real-VS-Code tests and for other extensions that integrate. The
 * single-folder fields are the first folder's; `folders` has every folder's session.
 */
export interface SelfHealApi {
  activationMs: number;
  commands: CommandSpec[];
  folders: Folders;
  healer: Healer;
  /** The healer reads these on each use; the real-VS-Code suite swaps `confirm` to answer the modal a test cannot click. */
  healerDeps: HealerDeps;
  codeActions: HealCodeActions;
  codeActionDeps: CodeActionDeps;
  history: HistoryView;
  statusBar: SelfHealStatusBar;
  cache: FixCache;
  settings: SettingsReader;
  policy: PolicyReader;
  /** What the policy says about a verified fix, as the lightbulb, quick pick and auto-apply read it. */
  triage: (outcome: HealOutcome) => FixTriage;
  llmSettings: LlmSettingsReader;
  apiKeys: ApiKeys;
  records: () => Promise<HealRecord[]>;
  resolveTestCommand: typeof resolveTestCommand;
  /** Resolves when the background tree-sitter load finished. */
  treeSitterReady: () => Promise<void>;
  /** Every toast and progress message, as users read it; a listener can press a toast's button. */
  notify: Notifier;
  taskRuns: TaskTestRuns;
}

const SCRIPT_SELECTOR: vscode.DocumentSelector = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({
  scheme: 'file',
  language,
}));
/** Long enough for the workbench to finish starting; tree-sitter's load is 5× slower during startup. */
const WARM_UP_DELAY_MS = 1500;

export function activate(context: vscode.ExtensionContext): SelfHealApi | undefined {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Self-Heal', { log: true });
  const log = channelLog(channel);
  const own = <T extends vscode.Disposable>(disposable: T): T => {
    context.subscriptions.push(disposable);
    return disposable;
  };
  own(channel);
  const notify = own(new Notifier());

  if (!vscode.workspace.workspaceFolders?.length) {
    // Activated by a command with no folder open: say what is needed instead of failing later.
    for (const id of (context.extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map(
      (command) => command.command,
    )) {
      own(vscode.commands.registerCommand(id, () => notify.warn('Self-Heal works on a folder with a package.json. Open one first (File → Open Folder).')));
    }
    return undefined;
  }

  let treeSitterLoad: Promise<void> | undefined;
  const treeSitter = (): Promise<void> =>
    (treeSitterLoad ??= loadTreeSitter().then((module) => module.initTreeSitter(path.join(context.extensionPath, 'dist'))));
  const apiKeys = new ApiKeys(context.secrets);
  // Each folder is healed and recorded in its own folder (issue 15 §7); commands and providers route to it.
  const oldLedger = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'ledger.jsonl');
  const open = (folder: vscode.WorkspaceFolder, first: boolean): FolderSession => {
    const session = openFolderSession(folder, { log, notify, apiKeys, treeSitter, promptsDir: path.join(context.extensionPath, 'prompts'), oldLedger, first });
    log.info(`working on ${folder.uri.fsPath}`);
    return session;
  };
  const folders = own(new Folders(open, vscode.workspace.workspaceFolders));
  const first = folders.all()[0]!;
  // Warm up off the activation path: tree-sitter and the task providers both take a while.
  const warmUp = setTimeout(() => {
    treeSitter().catch((error: unknown) => log.warn(`tree-sitter did not load: ${String(error)}`));
    if (vscode.workspace.isTrusted) for (const session of folders.all()) session.testCommand.resolve(session.settings.get().testCommand).catch(() => undefined);
  }, WARM_UP_DELAY_MS);
  own({ dispose: () => clearTimeout(warmUp) });

  own(vscode.languages.registerCodeActionsProvider(SCRIPT_SELECTOR, new FolderCodeActions((uri) => folders.of(uri)?.codeActions), HealCodeActions.metadata));
  own(
    vscode.workspace.registerTextDocumentContentProvider(
      SCHEME,
      new SelfHealContent(
        (outcomeId) => folders.holding(outcomeId).cache.outcome(outcomeId),
        async (recordId) => (await folders.recording(recordId))?.record,
      ),
    ),
  );

  const history = own(
    new HistoryView(() => folders.all().map((session) => ({ name: session.folder.name, root: session.files.root, records: () => session.records() }))),
  );
  own(vscode.window.createTreeView('selfHeal.history', { treeDataProvider: history }));
  own(folders.onDidChangeHistory(() => history.refresh()));

  const commands = commandTable({ folders, history, log, showLog: () => channel.show(), apiKeys, notify });
  for (const spec of commands) own(register(spec, log, notify));
  const statusBar = own(
    new SelfHealStatusBar({
      healing: () => folders.busy,
      fixes: () => folders.all().reduce((sum, session) => sum + session.cache.verified().length, 0),
      // The folder in front of the user; with several and no editor, the first.
      mode: () => (folders.current() ?? folders.all()[0] ?? first).settings.get().mode,
      trusted: () => vscode.workspace.isTrusted,
      changes: [
        folders.onDidChangeBusy,
        folders.onDidChangeFixes,
        vscode.workspace.onDidChangeConfiguration,
        vscode.workspace.onDidGrantWorkspaceTrust,
        vscode.window.onDidChangeActiveTextEditor,
      ],
    }),
  );

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms for ${folders.all().length} folder(s)`);
  return {
    activationMs,
    commands,
    folders,
    healer: first.healer,
    healerDeps: first.healerDeps,
    codeActions: first.codeActions,
    codeActionDeps: first.codeActionDeps,
    history,
    statusBar,
    cache: first.cache,
    settings: first.settings,
    policy: first.policy,
    triage: (outcome) => first.triage(outcome),
    llmSettings: first.llmSettings,
    apiKeys,
    records: () => first.records(),
    resolveTestCommand,
    treeSitterReady: treeSitter,
    notify,
    taskRuns: first.taskRuns,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; sandboxes are removed by the core in finally.
}
