/**
 * "Self-Heal: Heal Failing Tests": run the tests in the sandbox, heal each failure with progress
 * and cancel, then a summary notification and a quick pick of the verified fixes (preview on
 * select, apply from the item's button). In autoApply mode the verified fixes are applied and the
 * summary says so.
 */
import * as vscode from 'vscode';
import type { HealOutcome, HealReport } from '../core/api';
import type { Log } from '../core/ports';
import type { Guard } from './guard';
import { describe, type Healer } from './healer';
import { engineBadge, evidenceBadge, evidenceDetail, healSummary, verifiedFixes } from './presentation';
import type { FixPreview } from './providers/preview';

export interface HealFailingTestsResult {
  report: HealReport;
  applied: string[];
  summary: string;
}

export async function healFailingTests(healer: Healer, preview: FixPreview, guard: Guard, log: Log): Promise<HealFailingTestsResult | undefined> {
  const report = await healer.search(undefined, { interactive: true });
  if (!report) return undefined;
  const applied: string[] = [];
  if (guard.autoApply) {
    for (const heal of verifiedFixes(report.heals)) {
      try {
        applied.push((await healer.apply(heal.id)).id);
      } catch (error) {
        log.warn(`auto-apply of "${heal.fix!.candidate.summary}" refused: ${describe(error)}`);
      }
    }
  }
  const summary = healSummary(report, applied.length);
  log.info(summary);
  const pending = verifiedFixes(report.heals).filter((heal) => !applied.includes(heal.id));
  const actions = [...(pending.length ? ['Review Fixes'] : []), ...(applied.length ? ['Show History'] : [])];
  const show = report.heals.length && !pending.length && !applied.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(summary, ...actions).then(async (choice) => {
    if (choice === 'Review Fixes') await pickFix(pending, healer, preview);
    if (choice === 'Show History') await vscode.commands.executeCommand('selfHeal.history.focus');
  });
  return { report, applied, summary };
}

interface FixItem extends vscode.QuickPickItem {
  outcome: HealOutcome;
}

const applyButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('check'), tooltip: 'Apply this fix' };

export async function pickFix(outcomes: HealOutcome[], healer: Healer, preview: FixPreview): Promise<void> {
  const pick = vscode.window.createQuickPick<FixItem>();
  pick.title = 'Self-Heal: verified fixes';
  pick.placeholder = 'Select a fix to preview it; the ✓ button applies it';
  pick.items = outcomes.map((outcome) => ({
    outcome,
    label: outcome.fix!.candidate.summary,
    description: `${Object.keys(outcome.fix!.after).join(', ')} · ${engineBadge(outcome.fix!.candidate.engine, outcome.fix!.candidate.tokens)} · ${evidenceBadge(outcome.fix!.evidence)}`,
    detail: `${outcome.failures.map((failure) => failure.name).join(', ')} — ${evidenceDetail(outcome.fix!.evidence)}`,
    buttons: [applyButton],
  }));
  await new Promise<void>((resolve) => {
    pick.onDidTriggerItemButton(async ({ item }) => {
      pick.hide();
      try {
        await healer.apply(item.outcome.id);
      } catch (error) {
        void vscode.window.showErrorMessage(describe(error));
      }
    });
    pick.onDidAccept(async () => {
      const item = pick.selectedItems[0];
      pick.hide();
      if (item) await preview.open(item.outcome.id);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
