/**
 * Failing tests shown where they fail: a DiagnosticCollection of our own (source "Self-Heal"), on
 * the test's line, so the Problems panel lists them and the editor offers the lightbulb. The
 * diagnostic's code is the failure id, which is how the code action provider finds the failure.
 * After a heal, the hover also lists the diagnosis's top suspects as links (related information),
 * so a failure Self-Heal could not fix still says where it looked (issue 13 item 6).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../../core/api';
import { suspectsOf, type Suspect } from '../../core/analysis/suspects';
import type { Failure } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';

export const OUR_SOURCE = 'Self-Heal';
/** Enough to point the way in a hover without burying the failure message. */
const SUSPECTS_SHOWN = 3;

export class TestFailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(OUR_SOURCE);
  private readonly failures = new Map<string, Failure>();
  private readonly suspects = new Map<string, Suspect[]>();

  constructor(private readonly files: DocumentWorkspaceFiles) {}

  /** Replace the shown failures with the ones of the latest run. */
  publish(failures: Failure[]): void {
    this.suspects.clear();
    this.show(failures);
  }

  /**
   * Show each shown failure's top suspects from the heals' diagnoses, healed or not. A shown
   * failure parsed from a terminal or task may carry another id than the sandbox run's, so the
   * test's file and name match it too.
   */
  explain(heals: HealOutcome[]): void {
    for (const shown of this.failures.values()) {
      const same = (f: Failure): boolean => f.id === shown.id || (f.file === shown.file && f.name === shown.name);
      const heal = heals.find((h) => h.failures.some(same));
      if (heal) this.suspects.set(shown.id, suspectsOf(heal.diagnosis.locations, SUSPECTS_SHOWN));
    }
    this.show([...this.failures.values()]);
  }

  private show(failures: Failure[]): void {
    this.collection.clear();
    this.failures.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const failure of failures) {
      const where = this.locate(failure);
      if (!where) continue;
      this.failures.set(failure.id, failure);
      const line = Math.max(0, where.line - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), message(failure), vscode.DiagnosticSeverity.Error);
      diagnostic.source = OUR_SOURCE;
      diagnostic.code = failure.id;
      diagnostic.relatedInformation = this.suspects.get(failure.id)?.map((s, i) => new vscode.DiagnosticRelatedInformation(new vscode.Location(this.files.uri(s.file), new vscode.Position(s.line - 1, 0)), `suspect ${i + 1}: ${s.function ?? 'module code'} (${s.why})`));
      const key = this.files.uri(where.rel).toString();
      byFile.set(key, [...(byFile.get(key) ?? []), diagnostic]);
    }
    for (const [key, diagnostics] of byFile) this.collection.set(vscode.Uri.parse(key), diagnostics);
  }

  /** Forget failures a heal resolved. */
  remove(ids: Iterable<string>): void {
    const gone = new Set(ids);
    if (![...gone].some((id) => this.failures.has(id))) return;
    this.show([...this.failures.values()].filter((failure) => !gone.has(failure.id)));
  }

  clear(): void {
    this.publish([]);
  }

  failure(id: string): Failure | undefined {
    return this.failures.get(id);
  }

  all(): Failure[] {
    return [...this.failures.values()];
  }

  /** The test's own line when known, else the first stack frame inside the workspace. */
  private locate(failure: Failure): { rel: string; line: number } | undefined {
    if (failure.file && failure.line) return { rel: failure.file, line: failure.line };
    for (const frame of failure.stack) {
      const abs = path.resolve(this.files.root, frame.file.replace(/^file:\/\//, ''));
      const rel = this.files.relative(vscode.Uri.file(abs));
      if (rel && !rel.split('/').includes('node_modules')) return { rel, line: frame.line };
    }
    return failure.file ? { rel: failure.file, line: 1 } : undefined;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function message(failure: Failure): string {
  const first = failure.message.split('\n')[0] ?? '';
  const values = failure.expected !== undefined || failure.actual !== undefined ? `\nexpected: ${failure.expected ?? '?'}\nactual:   ${failure.actual ?? '?'}` : '';
  return `Test failed: ${failure.name}: ${first}${values}`;
}
