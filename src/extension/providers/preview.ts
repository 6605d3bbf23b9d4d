/**
 * "Preview fix…": `vscode.diff` between the user's document and the fix as verified, with Apply
 * and Discard as editor-title buttons (package.json menus, shown for `self-heal:/fix/…`) and in
 * a notification, so both mouse and keyboard users have them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SelfHealError } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';
import type { FixCache } from '../fixCache';
import { evidenceBadge } from '../presentation';
import { fixUri, parseSelfHealUri } from './content';

export class FixPreview {
  constructor(
    private readonly files: DocumentWorkspaceFiles,
    private readonly cache: FixCache,
    private readonly apply: (outcomeId: string) => Promise<unknown>,
    private readonly discard: (outcomeId: string) => void,
  ) {}

  async open(outcomeId: string): Promise<void> {
    const fix = this.cache.outcome(outcomeId)?.fix;
    if (!fix) throw new SelfHealError('NOT_FOUND', 'This fix is no longer available (applied or discarded). Run Self-Heal again.');
    for (const file of Object.keys(fix.after)) {
      const title = `${path.basename(file)} ↔ Self-Heal: ${fix.candidate.summary} (${evidenceBadge(fix.evidence)})`;
      await vscode.commands.executeCommand('vscode.diff', this.files.uri(file), fixUri(outcomeId, file), title, { preview: true });
    }
    void vscode.window
      .showInformationMessage(`Self-Heal: ${fix.candidate.summary} (${evidenceBadge(fix.evidence)}). Apply this fix?`, 'Apply', 'Discard')
      .then(async (choice) => {
        if (choice === 'Apply' && this.cache.outcome(outcomeId)) await this.applyAndClose(outcomeId);
        if (choice === 'Discard' && this.cache.outcome(outcomeId)) await this.discardAndClose(outcomeId);
      });
  }

  /** The outcome id of a preview URI, or of the active diff editor when `uri` is not one. */
  outcomeOf(uri?: vscode.Uri): string | undefined {
    const candidates = [uri, activeDiffModified()];
    for (const candidate of candidates) {
      const parsed = candidate && parseSelfHealUri(candidate);
      if (parsed?.kind === 'fix') return parsed.id;
    }
    return undefined;
  }

  async applyAndClose(outcomeId: string): Promise<unknown> {
    const result = await this.apply(outcomeId);
    await closePreviews(outcomeId);
    return result;
  }

  async discardAndClose(outcomeId: string): Promise<void> {
    this.discard(outcomeId);
    await closePreviews(outcomeId);
  }
}

function activeDiffModified(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
}

async function closePreviews(outcomeId: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => {
      if (!(tab.input instanceof vscode.TabInputTextDiff)) return false;
      const parsed = parseSelfHealUri(tab.input.modified);
      return parsed?.kind === 'fix' && parsed.id === outcomeId;
    });
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
