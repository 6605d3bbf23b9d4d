/**
 * Signal: compiler and linter errors in JS/TS files (tsc, eslint), as failures the lightbulb can
 * offer to heal. Diagnostics change on every keystroke, so they are read in debounced batches and
 * kept per file; the code action provider answers from this cache.
 */
import * as vscode from 'vscode';
import type { Failure } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';
import { OUR_SOURCE } from './failureDiagnostics';

const SCRIPT_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
export const DIAGNOSTIC_DEBOUNCE_MS = 250;

export function diagnosticFailure(rel: string, diagnostic: vscode.Diagnostic): Failure {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  const source = diagnostic.source?.toLowerCase() ?? '';
  const line = diagnostic.range.start.line + 1;
  return {
    id: `${rel}:${line}:${code ?? source}`,
    name: code !== undefined ? `${diagnostic.source ?? ''}${diagnostic.source ? ' ' : ''}${code}` : (diagnostic.source ?? 'error'),
    file: rel,
    line,
    message: diagnostic.message,
    stack: [{ file: rel, line, column: diagnostic.range.start.character + 1 }],
    source: 'diagnostic',
    runner: source === 'ts' || source.includes('typescript') ? 'tsc' : source.includes('eslint') ? 'eslint' : 'unknown',
  };
}

export class DiagnosticFailures implements vscode.Disposable {
  private readonly byFile = new Map<string, Array<{ range: vscode.Range; failure: Failure }>>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly files: DocumentWorkspaceFiles,
    private readonly listening: () => boolean,
  ) {
    this.subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!this.listening()) return;
      for (const uri of event.uris) this.pending.add(uri.toString());
      this.timer ??= setTimeout(() => this.flush(), DIAGNOSTIC_DEBOUNCE_MS);
    });
  }

  private flush(): void {
    this.timer = undefined;
    for (const key of this.pending) {
      const uri = vscode.Uri.parse(key);
      const rel = this.files.relative(uri);
      if (!rel || !SCRIPT_FILE.test(rel)) continue;
      const errors = vscode.languages
        .getDiagnostics(uri)
        .filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error && diagnostic.source !== OUR_SOURCE);
      if (errors.length)
        this.byFile.set(
          rel,
          errors.map((diagnostic) => ({ range: diagnostic.range, failure: diagnosticFailure(rel, diagnostic) })),
        );
      else this.byFile.delete(rel);
    }
    this.pending.clear();
  }

  /** Errors on the lines of `range` in `rel`, as of the last debounced batch. */
  failuresAt(rel: string, range: vscode.Range): Failure[] {
    const lines = new vscode.Range(range.start.line, 0, range.end.line, Number.MAX_SAFE_INTEGER);
    return (this.byFile.get(rel) ?? []).filter((entry) => entry.range.intersection(lines)).map((entry) => entry.failure);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
  }
}
