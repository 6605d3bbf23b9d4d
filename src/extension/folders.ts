/**
 * The workspace's folders, each with its own FolderSession (issue 15 §7), kept in step with
 * File → Add Folder and Remove Folder. Commands, the lightbulb, previews and the history are the
 * window's; they find the session they act on here: by a file's folder, by the fix or heal they
 * were given, or, for a command with nothing to go on, by the active editor or by asking.
 */
import * as vscode from 'vscode';
import { SelfHealError, type HealRecord } from '../core/model';
import type { FolderSession } from './folderSession';

export class Folders implements vscode.Disposable {
  private readonly sessions = new Map<string, { session: FolderSession; relays: vscode.Disposable[] }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly historyChanged = new vscode.EventEmitter<void>();
  private readonly busyChanged = new vscode.EventEmitter<number>();
  private readonly fixesChanged = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Folders were added or removed. */
  readonly onDidChange = this.changed.event;
  /** Any folder's history changed: a heal applied or reverted here, or by the CLI. */
  readonly onDidChangeHistory = this.historyChanged.event;
  /** The number of heals running, over all folders. */
  readonly onDidChangeBusy = this.busyChanged.event;
  /** Any folder's verified fixes changed. */
  readonly onDidChangeFixes = this.fixesChanged.event;

  constructor(
    private readonly open: (folder: vscode.WorkspaceFolder, first: boolean) => FolderSession,
    folders: readonly vscode.WorkspaceFolder[],
  ) {
    this.sync(folders);
    this.subscription = vscode.workspace.onDidChangeWorkspaceFolders(() => this.sync(vscode.workspace.workspaceFolders ?? []));
  }

  private sync(folders: readonly vscode.WorkspaceFolder[]): void {
    const keep = new Set(folders.map((folder) => folder.uri.toString()));
    let changed = false;
    for (const [key, entry] of this.sessions) {
      if (keep.has(key)) continue;
      this.sessions.delete(key);
      for (const relay of entry.relays) relay.dispose();
      entry.session.dispose();
      changed = true;
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      if (this.sessions.has(key)) continue;
      const session = this.open(folder, this.sessions.size === 0 && folder.index === 0);
      const relays = [
        session.healer.onDidChangeHistory(() => this.historyChanged.fire()),
        session.onDidChangeLedger(() => this.historyChanged.fire()),
        session.healer.onDidChangeBusy(() => this.busyChanged.fire(this.busy)),
        session.cache.onDidChange(() => this.fixesChanged.fire()),
      ];
      this.sessions.set(key, { session, relays });
      changed = true;
    }
    if (changed) {
      this.changed.fire();
      this.historyChanged.fire();
      this.fixesChanged.fire();
    }
  }

  /** Every folder's session, in the workspace's order. */
  all(): FolderSession[] {
    return [...this.sessions.values()].map((entry) => entry.session).sort((a, b) => a.folder.index - b.folder.index);
  }

  get busy(): number {
    return this.all().reduce((sum, session) => sum + session.healer.busy, 0);
  }

  /** The session of the folder that holds `uri`, if it is in the workspace. */
  of(uri: vscode.Uri): FolderSession | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder && this.sessions.get(folder.uri.toString())?.session;
  }

  /** The session whose fix (or a fix it no longer offers) has this outcome id. */
  holding(outcomeId: string): FolderSession {
    const sessions = this.all();
    const session =
      sessions.find((candidate) => candidate.cache.outcome(outcomeId)) ?? sessions.find((candidate) => candidate.cache.whyGone(outcomeId)) ?? sessions[0];
    if (!session) throw new SelfHealError('NOT_FOUND', 'Self-Heal works on a folder with a package.json. Open one first (File → Open Folder).');
    return session;
  }

  /** The session whose history has the heal `recordId`, with that record; only the folder at `root` when given (a history row knows it). */
  async recording(recordId: string, root?: string): Promise<{ session: FolderSession; record: HealRecord } | undefined> {
    for (const session of this.all().filter((candidate) => root === undefined || candidate.files.root === root)) {
      const record = (await session.records()).find((candidate) => candidate.id === recordId && candidate.kind === 'apply');
      if (record) return { session, record };
    }
    return undefined;
  }

  /** The folder a command with nothing else to go on acts on: the active editor's, or the only one. */
  current(): FolderSession | undefined {
    const editor = vscode.window.activeTextEditor;
    const active = editor && this.of(editor.document.uri);
    if (active) return active;
    const sessions = this.all();
    return sessions.length === 1 ? sessions[0] : undefined;
  }

  /** `current()`, or the folder the user picks when several are open and no editor says which. */
  async choose(placeholder: string): Promise<FolderSession | undefined> {
    const current = this.current();
    if (current) return current;
    const sessions = this.all();
    if (!sessions.length) throw new SelfHealError('NOT_FOUND', 'Self-Heal works on a folder with a package.json. Open one first (File → Open Folder).');
    const picked = await vscode.window.showQuickPick(
      sessions.map((session) => ({ label: session.folder.name, description: session.folder.uri.fsPath, session })),
      { placeHolder: placeholder },
    );
    return picked?.session;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { session, relays } of this.sessions.values()) {
      for (const relay of relays) relay.dispose();
      session.dispose();
    }
    this.sessions.clear();
    for (const emitter of [this.changed, this.historyChanged, this.busyChanged, this.fixesChanged]) emitter.dispose();
  }
}
