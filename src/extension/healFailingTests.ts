/**
 * "Self-Heal: Heal Failing Tests": run the tests in the sandbox, heal each failure with progress
 * and cancel, then a summary notification and a quick pick of the verified fixes (preview on
 * select, apply from the item's button). The fixes the policy marks autoApply (policy.ts) are
 * applied and the summary says so; each item shows its labels, guards and the policy's decision.
 */
import * as vscode from 'vscode';
import type { HealOutcome, HealReport } from '../core/api';
import type { HealRecord } from '../core/model';
import type { Log } from '../core/ports';
import { describe, type Healer, isCancellation } from './healer';
import type { FixTriage } from './policy';
import type { Notifier } from './notify';
import { engineBadge, fixBadge, fixDetail, healSummary, plain, verifiedFixes } from './presentation';

export interface HealFailingTestsResult {
  report: HealReport;
  applied: string[];
  summary: string;
}

/** What can be done with a verified fix, whichever folder offers it. */
export interface FixActions {
  apply: (outcomeId: string) => Promise<HealRecord>;
  preview: (outcomeId: string) => Promise<void>;
  triage: (outcome: HealOutcome) => FixTriage;
}

export async function healFailingTests(healer: Healer, fixes: FixActions, log: Log, notify: Notifier): Promise<HealFailingTestsResult | undefined> {
  const report = await healer.search(undefined, { interactive: true });
  if (!report) return undefined;
  const applied = await healer.autoApply(report);
  const summary = healSummary(report, applied.length);
  log.info(summary);
  const pending = verifiedFixes(report.heals).filter((heal) => !applied.includes(heal.id));
  const actions = [...(pending.length ? ['Review Fixes'] : []), ...(applied.length ? ['Show History'] : [])];
  const show = report.heals.length && !pending.length && !applied.length ? notify.warn.bind(notify) : notify.info.bind(notify);
  void show(summary, ...actions).then(async (choice) => {
    if (choice === 'Review Fixes') await pickFix(pending, fixes, notify);
    if (choice === 'Show History') await vscode.commands.executeCommand('selfHeal.history.focus');
  });
  return { report, applied, summary };
}

interface FixItem extends vscode.QuickPickItem {
  outcome: HealOutcome;
}

const applyButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('check'), tooltip: 'Apply this fix' };

export function fixItem(outcome: HealOutcome, triage: FixTriage): FixItem {
  const fix = outcome.fix!;
  return {
    outcome,
    label: plain(fix.candidate.summary),
    description: `${Object.keys(fix.after).join(', ')} · ${engineBadge(fix.candidate.engine, fix.candidate.tokens)} · ${fixBadge(fix.evidence, triage.notes)}`,
    detail: `${outcome.failures.map((failure) => failure.name).join(', ')} — ${fixDetail(fix, triage).join(' · ')}`,
    buttons: [applyButton],
  };
}

export async function pickFix(outcomes: HealOutcome[], fixes: FixActions, notify: Notifier): Promise<void> {
  const pick = vscode.window.createQuickPick<FixItem>();
  pick.title = 'Self-Heal: verified fixes';
  pick.placeholder = 'Select a fix to preview it; the ✓ button applies it';
  pick.items = outcomes.map((outcome) => fixItem(outcome, fixes.triage(outcome)));
  await new Promise<void>((resolve) => {
    pick.onDidTriggerItemButton(async ({ item }) => {
      pick.hide();
      try {
        notify.applied(await fixes.apply(item.outcome.id));
      } catch (error) {
        if (!isCancellation(error)) void notify.warn(`Self-Heal: ${describe(error)}`);
      }
    });
    pick.onDidAccept(async () => {
      const item = pick.selectedItems[0];
      pick.hide();
      if (item) await fixes.preview(item.outcome.id);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
