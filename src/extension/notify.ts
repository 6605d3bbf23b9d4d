/**
 * Every toast and progress notification Self-Heal shows goes through here, for two reasons:
 * - it is the one place where text bound for plain-text UI loses the core's Markdown backticks
 *   (presentation.ts `plain`), so no message is reworded one by one;
 * - the real-VS-Code suite can read what a user would read, and answer a toast's buttons, which
 *   the smoke-test driver hides (as confirm.ts does for the modal).
 */
import * as vscode from 'vscode';
import { withCancellableProgress } from './adapters/progress';
import type { HealRecord } from '../core/model';
import type { Progress } from '../core/ports';
import { plain } from './presentation';

export type Severity = 'info' | 'warning' | 'error' | 'progress';

/** A notification as shown: its text after `plain`, its buttons, and a way to press one (tests). */
export interface Shown {
  severity: Severity;
  message: string;
  actions: string[];
  answer: (action: string | undefined) => void;
}

export class Notifier implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Shown>();
  /** Fires for every notification and every progress message, with the text a user reads. */
  readonly onDidShow = this.emitter.event;

  /** Resolves with the button pressed; a toast closed without a choice leaves it pending, since nothing follows from that. */
  info(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('info', message, actions);
  }

  warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('warning', message, actions);
  }

  error(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('error', message, actions);
  }

  /**
   * Cancellable progress with a short title ("Self-Heal"): the core's messages ("Healing add sums
   * two numbers (1/1)") say what is being done, so a longer title would say it twice.
   */
  progress<T>(options: { title: string; location: vscode.ProgressLocation }, task: (progress: Progress, signal: AbortSignal) => Promise<T>): Thenable<T> {
    const title = plain(options.title);
    this.emitter.fire({ severity: 'progress', message: title, actions: [], answer: () => undefined });
    return withCancellableProgress({ title, location: options.location }, (progress, signal) =>
      task(
        {
          report: (update) => {
            const message = update.message === undefined ? undefined : plain(update.message);
            if (message !== undefined) this.emitter.fire({ severity: 'progress', message: `${title}: ${message}`, actions: [], answer: () => undefined });
            progress.report({ ...update, message });
          },
        },
        signal,
      ),
    );
  }

  /** The one confirmation after a fix is applied, from the lightbulb, a toast, the quick pick or the preview's ✓. */
  applied(record: HealRecord): HealRecord {
    void this.info(`Self-Heal applied "${record.summary}" to ${record.file}. Undo with Ctrl+Z, or revert it from the history.`);
    return record;
  }

  private show(severity: Exclude<Severity, 'progress'>, message: string, actions: string[]): Promise<string | undefined> {
    const text = plain(message);
    let answer: (action: string | undefined) => void = () => undefined;
    const answered = new Promise<string | undefined>((resolve) => (answer = resolve));
    this.emitter.fire({ severity, message: text, actions, answer });
    const shown =
      severity === 'info'
        ? vscode.window.showInformationMessage(text, ...actions)
        : severity === 'warning'
          ? vscode.window.showWarningMessage(text, ...actions)
          : vscode.window.showErrorMessage(text, ...actions);
    // The first button pressed, on screen or by a test. A toast closed without a choice (the
    // smoke-test driver closes them at once) is no answer: a test may still press a button.
    return new Promise((resolve) => {
      void Promise.resolve(shown).then((choice) => choice !== undefined && resolve(choice));
      void answered.then(resolve);
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
