/**
 * The Self-Heal status bar item: shows what statusState.ts decides, and decides again whenever
 * something it reads changes (a heal starts or ends, the fix cache changes, the mode or the
 * workspace's trust changes). Everything it subscribes to is disposed with it.
 */
import * as vscode from 'vscode';
import type { Mode } from './settings';
import { statusOf, type StatusInputs, type StatusShown } from './statusState';

export interface StatusSources {
  healing: () => number;
  fixes: () => number;
  mode: () => Mode;
  trusted: () => boolean;
  /** Events after which the inputs may have changed (vscode.Event, or the FixCache's own). */
  changes: Array<(listener: () => void) => vscode.Disposable>;
}

export class SelfHealStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('selfHeal.status', vscode.StatusBarAlignment.Left, 0);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What the item shows now (undefined: hidden), for the real-VS-Code suite. */
  shown: StatusShown | undefined;

  constructor(private readonly sources: StatusSources) {
    this.item.name = 'Self-Heal';
    for (const change of sources.changes) this.subscriptions.push(change(() => this.update()));
    this.update();
  }

  private inputs(): StatusInputs {
    return { healing: this.sources.healing(), fixes: this.sources.fixes(), mode: this.sources.mode(), trusted: this.sources.trusted() };
  }

  update(): void {
    this.shown = statusOf(this.inputs());
    if (!this.shown) {
      this.item.hide();
      return;
    }
    this.item.text = this.shown.text;
    this.item.tooltip = this.shown.tooltip;
    this.item.command = { command: this.shown.command.id, title: this.shown.text, arguments: this.shown.command.args };
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}
