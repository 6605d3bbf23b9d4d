/**
 * Keeps the history true when a heal is undone or redone without Self-Heal (issue 15 §8): Ctrl+Z
 * after applying from the lightbulb, Ctrl+Y after that, a checkout or another tool writing the
 * file. It watches only the files that heals in the ledger changed, waits for the edits to
 * settle, then asks the healer to compare them with the ledger (core: recordOutsideChanges).
 * Reading the ledger and the files happens then, never on a keystroke.
 */
import * as vscode from 'vscode';
import type { HealRecord } from '../core/model';
import type { Log } from '../core/ports';
import type { DocumentWorkspaceFiles } from './adapters/workspaceFiles';

/**
 * Long enough that an undo followed at once by a redo (or a burst of typing) is judged once, on
 * the text it ends with; short enough that the history row changes while the user looks at it.
 */
export const SETTLE_MS = 1000;

export interface OutsideChangeDeps {
  files: DocumentWorkspaceFiles;
  folder: vscode.WorkspaceFolder;
  records: () => Promise<HealRecord[]>;
  /** Records what changed; rejects with BUSY while another Self-Heal run holds the workspace. */
  notice: () => Promise<unknown>;
  /** Fires when the history changed (a heal applied or reverted here, or by the CLI). */
  historyChanged: vscode.Event<void>;
  /** Fires with the number of heals running; a check that found the workspace busy runs again at 0. */
  busyChanged: vscode.Event<number>;
  log: Log;
}

export class OutsideChanges implements vscode.Disposable {
  private watched: Set<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private retryWhenIdle = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: OutsideChangeDeps) {
    const onDisk = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(deps.folder, '**/*'), true, false, false);
    this.subscriptions = [
      onDisk,
      onDisk.onDidChange((uri) => this.changed(uri)),
      onDisk.onDidDelete((uri) => this.changed(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.changed(event.document.uri);
      }),
      deps.historyChanged(() => (this.watched = undefined)),
      deps.busyChanged((busy) => {
        if (busy === 0 && this.retryWhenIdle) this.schedule();
      }),
    ];
  }

  private changed(uri: vscode.Uri): void {
    const rel = this.deps.files.relative(uri);
    if (!rel || rel.startsWith('.self-heal/')) return;
    void this.watchedFiles().then((files) => {
      if (files.has(rel)) this.schedule();
    });
  }

  /** Files any applied heal changed: only their edits can undo or redo one. */
  private async watchedFiles(): Promise<Set<string>> {
    if (this.watched) return this.watched;
    try {
      const files = new Set((await this.deps.records()).filter((r) => r.kind === 'apply').flatMap((r) => Object.keys(r.after)));
      return (this.watched = files);
    } catch {
      return new Set();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), SETTLE_MS);
  }

  /** One check at a time; a change during a check asks for one more. */
  private async check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.retryWhenIdle = false;
    this.running = this.deps
      .notice()
      .then(
        () => undefined,
        (error: unknown) => {
          if ((error as { code?: string }).code === 'BUSY') this.retryWhenIdle = true;
          else this.deps.log.warn(`could not compare the healed files with the history: ${error instanceof Error ? error.message : String(error)}`);
        },
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    return this.running;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
