/**
 * Everything Self-Heal keeps for one workspace folder (issue 15 §7: in a multi-root workspace each
 * folder is healed and recorded in its own folder): its settings (folder settings count), files,
 * ledger (`<folder>/.self-heal/ledger.jsonl`, shared with the CLI), test command, diagnostics,
 * verified fixes, healer, the collectors that hear its test runs, and the check for outside undos.
 * The composition root (activate.ts) opens one per folder through Folders, and nothing here
 * registers a command or a provider: those are the window's, and route to a session.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../core/api';
import type { Failure, HealRecord } from '../core/model';
import type { Ledger, Log } from '../core/ports';
import { TestCommandResolver } from './adapters/tasks';
import { DocumentWorkspaceFiles } from './adapters/workspaceFiles';
import { DiagnosticFailures } from './collectors/diagnostics';
import { TestFailureDiagnostics } from './collectors/failureDiagnostics';
import { TaskTestRuns } from './collectors/tasks';
import { TerminalTestRuns } from './collectors/terminal';
import { RecentTerminalRuns } from './collectors/testRuns';
import { confirmInModal } from './confirm';
import { loadAnsi, loadLedger, loadLlm, loadProcess, loadSignals } from './core';
import { FixCache } from './fixCache';
import { Guard } from './guard';
import { describe, Healer, type HealerDeps } from './healer';
import type { ApiKeys } from './llm/apiKeys';
import { planEngines } from './llm/engines';
import { LlmSettingsReader } from './llm/settings';
import type { Notifier } from './notify';
import { OutsideChanges } from './outsideChanges';
import { PolicyReader, triage, type FixTriage } from './policy';
import { HealCodeActions, type CodeActionDeps } from './providers/codeActions';
import { FixPreview } from './providers/preview';
import { SettingsReader } from './settings';

/** What every folder shares: the window's log, toasts, API keys, tree-sitter, and the old ledger's place. */
export interface SharedServices {
  log: Log;
  notify: Notifier;
  apiKeys: ApiKeys;
  treeSitter: () => Promise<void>;
  promptsDir: string;
  /** Where this extension kept the ledger before it moved into the folder (ledgerLocation.ts). */
  oldLedger: string;
  /** Only the first folder takes over the old ledger: it was the only folder Self-Heal worked on. */
  first: boolean;
}

export interface FolderSession extends vscode.Disposable {
  readonly folder: vscode.WorkspaceFolder;
  readonly files: DocumentWorkspaceFiles;
  readonly settings: SettingsReader;
  readonly policy: PolicyReader;
  readonly llmSettings: LlmSettingsReader;
  readonly guard: Guard;
  readonly cache: FixCache;
  readonly testFailures: TestFailureDiagnostics;
  readonly compileErrors: DiagnosticFailures;
  readonly testCommand: TestCommandResolver;
  readonly healer: Healer;
  readonly healerDeps: HealerDeps;
  readonly preview: FixPreview;
  /** The lightbulb for this folder's documents (FolderCodeActions asks it). */
  readonly codeActions: HealCodeActions;
  readonly codeActionDeps: CodeActionDeps;
  readonly taskRuns: TaskTestRuns;
  /** Fires when the ledger file changed on disk (the CLI, another window, or this one). */
  readonly onDidChangeLedger: vscode.Event<void>;
  records(): Promise<HealRecord[]>;
  triage(outcome: HealOutcome): FixTriage;
}

export function openFolderSession(folder: vscode.WorkspaceFolder, shared: SharedServices): FolderSession {
  const { log, notify } = shared;
  const owned: vscode.Disposable[] = [];
  const own = <T extends vscode.Disposable>(disposable: T): T => (owned.push(disposable), disposable);

  const warn = (message: string): void => {
    log.warn(message);
    void notify.warn(message);
  };
  // Read at the folder's scope, so its own .vscode/settings.json counts in a multi-root workspace.
  const settings = new SettingsReader((key) => vscode.workspace.getConfiguration('selfHeal', folder.uri).get(key), warn);
  // One reader of every setting (src/core/settings.ts); the policy and the LLM section are views of it.
  const llmSettings = new LlmSettingsReader(settings);
  const policy = new PolicyReader(settings);
  const cache = new FixCache();
  own(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('selfHeal', folder.uri)) return;
      settings.invalidate();
      if (event.affectsConfiguration('selfHeal.policy', folder.uri)) {
        policy.invalidate();
        // Validate now, so that an invalid part is reported when it is set; failures it turned off may be healed again.
        policy.get();
        cache.forgetOff();
      }
      if (!event.affectsConfiguration('selfHeal.llm', folder.uri)) return;
      llmSettings.invalidate();
      // Validate now, so that an invalid value is reported when it is set rather than at the next heal.
      llmSettings.get().catch((error: unknown) => log.warn(`selfHeal.llm: ${String(error)}`));
    }),
  );

  const files = new DocumentWorkspaceFiles(folder.uri);
  // One history with the CLI (issue 15 §7): the folder's .self-heal/ledger.jsonl. The ledger this
  // extension kept under its workspace storage before is moved into it once (ledgerLocation.ts says why).
  let workspaceLedger: Ledger | undefined;
  let oldLedgerMoved = !shared.first;
  let moving: Promise<boolean> | undefined;
  const ledger = async (): Promise<Ledger> => {
    const { WorkspaceLedger, moveOldLedger } = await loadLedger();
    // One attempt at a time (an append must not fall between its read and its rename). It never
    // waits for the workspace lock: while another run holds it, the next read tries again.
    oldLedgerMoved ||= await (moving ??= moveOldLedger(shared.oldLedger, files.root, log)
      .then(
        () => true,
        (error: unknown) => (log.info(`the old heal history ${shared.oldLedger} is moved into the workspace later: ${describe(error)}`), false),
      )
      .finally(() => (moving = undefined)));
    return (workspaceLedger ??= new WorkspaceLedger(files.root, log));
  };
  const records = async (): Promise<HealRecord[]> => (await ledger()).read();
  const testCommand = own(new TestCommandResolver(folder));

  const guard = new Guard(() => ({ trusted: vscode.workspace.isTrusted, mode: settings.get().mode }));
  const triageFix = (outcome: HealOutcome): FixTriage => triage(policy.get(), settings.get().mode, outcome);
  const testFailures = own(new TestFailureDiagnostics(files));
  const compileErrors = own(new DiagnosticFailures(files, () => guard.listening));
  const engines = (): ReturnType<typeof planEngines> =>
    planEngines({ settings: () => llmSettings.get(), apiKey: (baseUrl) => shared.apiKeys.get(baseUrl), records, load: loadLlm, log });
  const healerDeps: HealerDeps = {
    files,
    ledger,
    log,
    settings: () => settings.get(),
    testCommand: (setting) => testCommand.resolve(setting),
    guard,
    cache,
    diagnostics: testFailures,
    treeSitter: shared.treeSitter,
    promptsDir: shared.promptsDir,
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
  // Each folder hears the runs that are its own: a terminal whose directory is in it, a task of it.
  // A run that names no folder (a terminal without shell integration's directory, a global task) is the first folder's.
  const ours = (owner: vscode.WorkspaceFolder | undefined): boolean => (owner ? owner.uri.toString() === folder.uri.toString() : shared.first);
  own(
    new TerminalTestRuns(
      () => guard.listening,
      parse,
      sink,
      recent,
      log,
      (cwd) => ours(cwd && vscode.workspace.getWorkspaceFolder(cwd)),
    ),
  );
  const taskRuns = own(
    new TaskTestRuns(
      () => guard.listening,
      () => guard.mayRunTests().allowed,
      rerun,
      sink,
      recent,
      log,
      (scope) => ours(typeof scope === 'object' ? scope : undefined),
    ),
  );
  const preview = new FixPreview(
    files,
    cache,
    (id) => healer.apply(id),
    (id) => healer.discard(id),
    triageFix,
    notify,
  );

  const codeActionDeps: CodeActionDeps = { files, cache, testFailures, compileErrors, guard, triage: triageFix };
  const codeActions = new HealCodeActions(codeActionDeps);

  // The CLI (or another window) appends to the same ledger: show its heals as they are recorded.
  const ledgerFile = own(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.self-heal/ledger.jsonl')));
  const ledgerChanged = own(new vscode.EventEmitter<void>());
  for (const event of [ledgerFile.onDidCreate, ledgerFile.onDidChange, ledgerFile.onDidDelete]) own(event(() => ledgerChanged.fire()));
  own(
    new OutsideChanges({
      files,
      folder,
      records,
      notice: () => healer.noticeOutsideChanges(),
      // The CLI's heals count too: a change to the ledger may add files to watch.
      historyChanged: (listener) => vscode.Disposable.from(healer.onDidChangeHistory(listener), ledgerChanged.event(listener)),
      busyChanged: healer.onDidChangeBusy,
      log,
    }),
  );

  return {
    folder,
    files,
    settings,
    policy,
    llmSettings,
    guard,
    cache,
    testFailures,
    compileErrors,
    testCommand,
    healer,
    healerDeps,
    preview,
    codeActions,
    codeActionDeps,
    taskRuns,
    onDidChangeLedger: ledgerChanged.event,
    records,
    triage: triageFix,
    dispose: () => {
      for (const disposable of owned.reverse()) disposable.dispose();
    },
  };
}

async function readPackageJson(root: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
