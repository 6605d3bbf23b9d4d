/**
 * Long work in the core takes an AbortSignal (STYLE §3); VS Code hands out a CancellationToken
 * inside withProgress. This is the one bridge between them.
 */
import * as vscode from 'vscode';
import type { Progress } from '../../core/ports';

export function withCancellableProgress<T>(
  options: { title: string; location: vscode.ProgressLocation; signal?: AbortSignal },
  task: (progress: Progress, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: options.location, title: options.title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const abort = (): void => controller.abort(new vscode.CancellationError());
    const subscription = token.onCancellationRequested(abort);
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      return await task({ report: (update) => progress.report(update) }, controller.signal);
    } finally {
      subscription.dispose();
      options.signal?.removeEventListener('abort', abort);
    }
  });
}
