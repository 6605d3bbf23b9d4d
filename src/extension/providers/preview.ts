/**
 * "Preview fix…": `vscode.diff` between the user's document and the fix as verified, with Apply
 * and Discard as editor-title buttons (package.json menus, shown for `self-heal:/fix/…`) and in
 * a notification, so both mouse and keyboard users have them. The title carries the fix's labels
 * ("weakly tested", "test edit", "weakens tests", "needs review"); Discard records a rejection.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../../core/api';
import { SelfHealError, type HealRecord } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';
import { GONE, type FixCache } from '../fixCache';
import type { FixTriage } from '../policy';
import type { Notifier } from '../notify';
import { fixBadge, fixSummary, plain } from '../presentation';
import { fixUri, parseSelfHealUri } from './content';

export class FixPreview {
  constructor(
    private readonly files: DocumentWorkspaceFiles,
    private readonly cache: FixCache,
    private readonly apply: (outcomeId: string) => Promise<HealRecord>,
    private readonly discard: (outcomeId: string) => Promise<void>,
    private readonly triage: (outcome: HealOutcome) => FixTriage,
    private readonly notify: Notifier,
  ) {}

  async open(outcomeId: string): Promise<void> {
    const outcome = this.cache.outcome(outcomeId);
    const fix = outcome?.fix;
    if (!outcome || !fix) throw new SelfHealError('NOT_FOUND', `This fix is no longer on offer: ${this.cache.whyGone(outcomeId) ?? GONE.replaced}.`);
    const badge = fixBadge(fix.evidence, this.triage(outcome).notes);
    for (const file of Object.keys(fix.after)) {
      const title = previewTitle(file, fix.candidate.summary, badge);
      await vscode.commands.executeCommand('vscode.diff', this.files.uri(file), fixUri(outcomeId, file), title, { preview: true });
    }
    void this.notify
      .info(`Self-Heal: ${fixSummary(fix.candidate.summary, Object.keys(fix.after))} (${badge}). Apply this fix?`, 'Apply', 'Discard')
      .then(async (choice) => {
        // Through the commands, so that a failure, or a declined confirmation, is reported like any
        // other, and a toast answered after the fix was applied, discarded or replaced says so.
        const previewed = fixUri(outcomeId, Object.keys(fix.after)[0]!);
        if (choice === 'Apply') await vscode.commands.executeCommand('selfHeal.applyPreviewedFix', previewed);
        if (choice === 'Discard') await vscode.commands.executeCommand('selfHeal.discardPreviewedFix', previewed);
      });
  }

  async applyAndClose(outcomeId: string): Promise<HealRecord> {
    const result = await this.apply(outcomeId);
    await closePreviews(outcomeId);
    return result;
  }

  async discardAndClose(outcomeId: string): Promise<void> {
    try {
      await this.discard(outcomeId);
    } finally {
      await closePreviews(outcomeId);
    }
  }
}

/** The outcome id of a preview URI, or of the active diff editor when `uri` is not one. */
export function previewedOutcome(uri?: vscode.Uri): string | undefined {
  const candidates = [uri, activeDiffModified()];
  for (const candidate of candidates) {
    const parsed = candidate && parseSelfHealUri(candidate);
    if (parsed?.kind === 'fix') return parsed.id;
  }
  return undefined;
}

export function previewTitle(file: string, summary: string, badge: string): string {
  return `${path.basename(file)} ↔ Self-Heal: ${plain(summary)} (${badge})`;
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
