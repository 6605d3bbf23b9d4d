/**
 * The composition root (STYLE §2): builds the ports and registers every command, provider, view
 * and collector, from here only. Activation does no I/O beyond creating objects: the core, the
 * ledger and tree-sitter load on first use or in the background (goal ≤ 100 ms, issue 4).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../core/api';
import type { Failure, HealRecord } from '../core/model';
import type { Ledger } from '../core/ports';
import { channelLog } from './adapters/log';
import { resolveTestCommand, TestCommandResolver } from './adapters/tasks';
import { DocumentWorkspaceFiles } from './adapters/workspaceFiles';
import { DiagnosticFailures } from './collectors/diagnostics';
import { TestFailureDiagnostics } from './collectors/failureDiagnostics';
import { TaskTestRuns } from './collectors/tasks';
import { TerminalTestRuns } from './collectors/terminal';
import { RecentTerminalRuns } from './collectors/testRuns';
import { commandTable, register, type CommandSpec } from './commands';
import { confirmInModal } from './confirm';
import { loadAnsi, loadLedger, loadLlm, loadProcess, loadSignals, loadTreeSitter } from './core';
import { FixCache } from './fixCache';
import { Guard } from './guard';
import { describe, Healer, type HealerDeps } from './healer';
import { ApiKeys } from './llm/apiKeys';
import { planEngines } from './llm/engines';
import { LlmSettingsReader } from './llm/settings';
import { Notifier } from './notify';
import { OutsideChanges } from './outsideChanges';
import { PolicyReader, triage, type FixTriage } from './policy';
import { HealCodeActions, type CodeActionDeps } from './providers/codeActions';
import { SCHEME, SelfHealContent } from './providers/content';
import { FixPreview } from './providers/preview';
import { SettingsReader } from './settings';
import { SelfHealStatusBar } from './statusBar';
import { HistoryView } from './views/history';

/** What activate returns: for the real-VS-Code tests and for other extensions that integrate. */
export interface SelfHealApi {
  activationMs: number;
  commands: CommandSpec[];
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

  const warn = (message: string): void => {
    log.warn(message);
    void notify.warn(message);
  };
  const settings = new SettingsReader((key) => vscode.workspace.getConfiguration('selfHeal').get(key), warn);
  // One reader of every setting (src/core/settings.ts); the policy and the LLM section are views of it.
  const llmSettings = new LlmSettingsReader(settings);
  const policy = new PolicyReader(settings);
  const cache = new FixCache();
  own(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('selfHeal')) settings.invalidate();
      if (event.affectsConfiguration('selfHeal.policy')) {
        policy.invalidate();
        // Validate now, so that an invalid part is reported when it is set; failures it turned off may be healed again.
        policy.get();
        cache.forgetOff();
      }
      if (!event.affectsConfiguration('selfHeal.llm')) return;
      llmSettings.invalidate();
      // Validate now, so that an invalid value is reported when it is set rather than at the next heal.
      llmSettings.get().catch((error: unknown) => log.warn(`selfHeal.llm: ${String(error)}`));
    }),
  );

  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    // Activated by a command with no folder open: say what is needed instead of failing later.
    for (const id of (context.extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map(
      (command) => command.command,
    )) {
      own(vscode.commands.registerCommand(id, () => notify.warn('Self-Heal works on a folder with a package.json. Open one first (File → Open Folder).')));
    }
    return undefined;
  }
  if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) log.info(`multi-root workspace: Self-Heal works on the first folder, ${folder.name}`);

  const files = new DocumentWorkspaceFiles(folder.uri);
  // One history with the CLI (issue 15 §7): the folder's .self-heal/ledger.jsonl. The ledger this
  // extension kept under its workspace storage before is moved into it once (ledgerLocation.ts says why).
  const oldLedger = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'ledger.jsonl');
  let workspaceLedger: Ledger | undefined;
  let oldLedgerMoved = false;
  let moving: Promise<boolean> | undefined;
  const ledger = async (): Promise<Ledger> => {
    const { WorkspaceLedger, moveOldLedger } = await loadLedger();
    // One attempt at a time (an append must not fall between its read and its rename). It never
    // waits for the workspace lock: while another run holds it, the next read tries again.
    oldLedgerMoved ||= await (moving ??= moveOldLedger(oldLedger, files.root, log)
      .then(
        () => true,
        (error: unknown) => (log.info(`the old heal history ${oldLedger} is moved into the workspace later: ${describe(error)}`), false),
      )
      .finally(() => (moving = undefined)));
    return (workspaceLedger ??= new WorkspaceLedger(files.root, log));
  };
  const records = async (): Promise<HealRecord[]> => (await ledger()).read();
  let treeSitterLoad: Promise<void> | undefined;
  const treeSitter = (): Promise<void> =>
    (treeSitterLoad ??= loadTreeSitter().then((module) => module.initTreeSitter(path.join(context.extensionPath, 'dist'))));
  const testCommand = own(new TestCommandResolver(folder));
  // Warm up off the activation path: tree-sitter and the task providers both take a while.
  const warmUp = setTimeout(() => {
    treeSitter().catch((error: unknown) => log.warn(`tree-sitter did not load: ${String(error)}`));
    if (vscode.workspace.isTrusted) testCommand.resolve(settings.get().testCommand).catch(() => undefined);
  }, WARM_UP_DELAY_MS);
  own({ dispose: () => clearTimeout(warmUp) });

  const guard = new Guard(() => ({ trusted: vscode.workspace.isTrusted, mode: settings.get().mode }));
  const triageFix = (outcome: HealOutcome): FixTriage => triage(policy.get(), settings.get().mode, outcome);
  const testFailures = own(new TestFailureDiagnostics(files));
  const compileErrors = own(new DiagnosticFailures(files, () => guard.listening));
  const apiKeys = new ApiKeys(context.secrets);
  const engines = (): ReturnType<typeof planEngines> =>
    planEngines({ settings: () => llmSettings.get(), apiKey: (baseUrl) => apiKeys.get(baseUrl), records, load: loadLlm, log });
  const healerDeps: HealerDeps = {
    files,
    ledger,
    log,
    settings: () => settings.get(),
    testCommand: (setting) => testCommand.resolve(setting),
    guard,
    cache,
    diagnostics: testFailures,
    treeSitter,
    promptsDir: path.join(context.extensionPath, 'prompts'),
    engines,
    triage: triageFix,
    confirm: confirmInModal,
    notify,
  };
  const healer = own(new Healer(healerDeps));

  const parse = async (output: string, command: string): Promise<Failure[]> => {
    const [signals, ansi, pkg] = await Promise.all([loadSignals(), loadAnsi(), readPackageJson(files.root)]);
    return signals.parseTestOutput(ansi.stripAnsi(output), { runner: signals.detectRunner(command, pkg), root: files.root }).failures;
  };
  const rerun = async (command: string): Promise<{ exitCode: number | null; failures: Failure[] }> => {
    const { runProcess } = await loadProcess();
    const run = await runProcess({ command, cwd: files.root, timeoutMs: settings.get().testTimeoutSeconds * 1000 });
    return { exitCode: run.exitCode, failures: await parse(run.output, command) };
  };
  const sink = (signal: Parameters<Healer['onTestRun']>[0]): void => healer.onTestRun(signal);
  const recent = new RecentTerminalRuns();
  own(new TerminalTestRuns(() => guard.listening, parse, sink, recent, log));
  const taskRuns = own(
    new TaskTestRuns(
      () => guard.listening,
      () => guard.mayRunTests().allowed,
      rerun,
      sink,
      recent,
      log,
    ),
  );

  const codeActionDeps: CodeActionDeps = { files, cache, testFailures, compileErrors, guard, triage: triageFix };
  const codeActions = new HealCodeActions(codeActionDeps);
  own(vscode.languages.registerCodeActionsProvider(SCRIPT_SELECTOR, codeActions, HealCodeActions.metadata));
  own(vscode.workspace.registerTextDocumentContentProvider(SCHEME, new SelfHealContent(cache, records)));
  const preview = new FixPreview(
    files,
    cache,
    (id) => healer.apply(id),
    (id) => healer.discard(id),
    triageFix,
    notify,
  );

  const history = own(new HistoryView(records));
  own(vscode.window.createTreeView('selfHeal.history', { treeDataProvider: history }));
  own(healer.onDidChangeHistory(() => history.refresh()));
  // The CLI (or another window) appends to the same ledger: show its heals as they are recorded.
  const ledgerFile = own(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.self-heal/ledger.jsonl')));
  for (const event of [ledgerFile.onDidCreate, ledgerFile.onDidChange, ledgerFile.onDidDelete]) own(event(() => history.refresh()));
  own(
    new OutsideChanges({
      files,
      folder,
      records,
      notice: () => healer.noticeOutsideChanges(),
      // The CLI's heals count too: a change to the ledger may add files to watch.
      historyChanged: (listener) =>
        vscode.Disposable.from(
          healer.onDidChangeHistory(listener),
          ledgerFile.onDidChange(() => listener()),
          ledgerFile.onDidCreate(() => listener()),
        ),
      busyChanged: healer.onDidChangeBusy,
      log,
    }),
  );

  const commands = commandTable({
    healer,
    preview,
    history,
    triage: triageFix,
    cache,
    files,
    testFailures,
    compileErrors,
    records,
    log,
    showLog: () => channel.show(),
    apiKeys,
    llmSettings,
    notify,
  });
  for (const spec of commands) own(register(spec, log, notify));
  const statusBar = own(
    new SelfHealStatusBar({
      healing: () => healer.busy,
      fixes: () => cache.verified().length,
      mode: () => settings.get().mode,
      trusted: () => vscode.workspace.isTrusted,
      changes: [
        healer.onDidChangeBusy,
        (listener) => cache.onDidChange(listener),
        vscode.workspace.onDidChangeConfiguration,
        vscode.workspace.onDidGrantWorkspaceTrust,
      ],
    }),
  );

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms for ${folder.uri.fsPath}`);
  return {
    activationMs,
    commands,
    healer,
    healerDeps,
    codeActions,
    codeActionDeps,
    history,
    statusBar,
    cache,
    settings,
    policy,
    triage: triageFix,
    llmSettings,
    apiKeys,
    records,
    resolveTestCommand,
    treeSitterReady: treeSitter,
    notify,
    taskRuns,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; sandboxes are removed by the core in finally.
}

async function readPackageJson(root: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
