/**
 * The history sidebar (`selfHeal.history`): applied heals from the ledger, newest first, with
 * Show Diff, Revert and Copy Patch. The ledger is read lazily, when the view is first shown; an
 * empty tree shows the welcome content from package.json (viewsWelcome). In a multi-root
 * workspace each folder is a node of its own, holding that folder's heals (issue 15 §7).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealRecord } from '../../core/model';
import { evidenceDetail, historyDescription, plain, tokenDetail } from '../presentation';
import { recordUri } from '../providers/content';
import { confidenceText } from '../../core/api';

/** One folder's history. */
export interface HistorySource {
  name: string;
  root: string;
  records: () => Promise<HealRecord[]>;
}

export class HealItem extends vscode.TreeItem {
  constructor(
    /** The folder whose ledger holds the heal: Revert and Show Diff act there. */
    readonly root: string,
    readonly record: HealRecord,
    readonly reverted: boolean,
    now: number,
  ) {
    super(plain(record.summary), vscode.TreeItemCollapsibleState.None);
    this.id = record.id;
    this.description = historyDescription(record, reverted, now);
    this.contextValue = reverted ? 'heal.reverted' : 'heal.applied';
    this.iconPath = new vscode.ThemeIcon(reverted ? 'discard' : 'pass', new vscode.ThemeColor(reverted ? 'disabledForeground' : 'testing.iconPassed'));
    this.tooltip = new vscode.MarkdownString(
      [
        `**${record.summary}**${reverted ? ' (reverted)' : ''}`,
        `${record.file} · ${record.engine} (${record.operator}) · ${new Date(record.at).toLocaleString()}`,
        `Evidence: ${evidenceDetail(record.evidence)}`,
        // Heals recorded before confidence existed have none; they were offered as plain "verified".
        `Confidence: ${confidenceText(record.evidence.confidence)}`,
        `Fixed: ${record.failures.map((failure) => failure.id).join(', ') || '—'}`,
        `Class: ${record.diagnosis.class}; tried ${record.tried.length} candidate(s) in ${(record.ms / 1000).toFixed(1)} s`,
        ...(record.tokens ? [`LLM tokens: ${tokenDetail(record.tokens)}`] : []),
      ].join('\n\n'),
    );
    this.command = { command: 'selfHeal.showDiff', title: 'Show Diff', arguments: [this] };
  }
}

export class FolderItem extends vscode.TreeItem {
  constructor(readonly source: HistorySource) {
    super(source.name, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `folder:${source.root}`;
    this.description = source.root;
    this.contextValue = 'folder';
    this.iconPath = new vscode.ThemeIcon('root-folder');
  }
}

export class HistoryView implements vscode.TreeDataProvider<HealItem | FolderItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly sources: () => HistorySource[]) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: HealItem | FolderItem): vscode.TreeItem {
    return item;
  }

  /** One folder: its heals at the top level, as before there were several. Several: a node each. */
  async getChildren(parent?: HealItem | FolderItem): Promise<Array<HealItem | FolderItem>> {
    if (parent instanceof FolderItem) return heals(parent.source);
    if (parent) return [];
    const sources = this.sources();
    return sources.length === 1 ? heals(sources[0]!) : sources.map((source) => new FolderItem(source));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function heals(source: HistorySource): Promise<HealItem[]> {
  const records = await source.records();
  const reverted = new Set(records.filter((record) => record.kind === 'revert' && record.reverts).map((record) => record.reverts!));
  const now = Date.now();
  return records
    .filter((record) => record.kind === 'apply')
    .reverse()
    .map((record) => new HealItem(source.root, record, reverted.has(record.id), now));
}

export async function showRecordDiff(record: HealRecord): Promise<void> {
  for (const file of Object.keys(record.after)) {
    const title = `${path.basename(file)}: ${plain(record.summary)} (heal ${record.id.slice(0, 8)})`;
    await vscode.commands.executeCommand('vscode.diff', recordUri(record.id, 'before', file), recordUri(record.id, 'after', file), title);
  }
}
