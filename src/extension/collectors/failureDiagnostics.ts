/**
 * Failing tests shown where they fail: a DiagnosticCollection of our own (source "Self-Heal"), on
 * the test's line, so the Problems panel lists them and the editor offers the lightbulb. The
 * diagnostic's code is the failure id, which is how the code action provider finds the failure.
 * After a heal, the hover also lists the diagnosis's top suspects as links (related information),
 * so a failure Self-Heal could not fix still says where it looked (issue 13 item 6), and the top
 * suspect's line in the source gets a warning of its own with the same code: the bug is usually
 * there, not on the assertion, and that is where a person looks for the lightbulb (issue 15 §8).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HealOutcome } from '../../core/api';
import { suspectsOf, type Suspect } from '../../core/api';
import type { Failure } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';
import { plain } from '../presentation';

export const OUR_SOURCE = 'Self-Heal';
/** Enough to point the way in a hover without burying the failure message. */
const SUSPECTS_SHOWN = 3;

export class TestFailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(OUR_SOURCE);
  private readonly failures = new Map<string, Failure>();
  /** By the test's file and name (sameTest), which a terminal's, a task's and the sandbox's runs share. */
  private readonly suspects = new Map<string, Suspect[]>();

  constructor(private readonly files: DocumentWorkspaceFiles) {}

  /** Replace the shown failures with the ones of the latest run; a failure still failing keeps its suspects. */
  publish(failures: Failure[]): void {
    const keys = new Set(failures.map(testKey));
    for (const key of this.suspects.keys()) if (!keys.has(key)) this.suspects.delete(key);
    this.show(failures);
  }

  /** Show these failures again beside the shown ones (a heal that fixed them was undone). */
  add(failures: Failure[]): void {
    const shown = [...this.failures.values()];
    this.show([...shown, ...failures.filter((failure) => !shown.some((s) => sameTest(s, failure)))]);
  }

  /**
   * Show each shown failure's top suspects from the heals' diagnoses, healed or not. A shown
   * failure parsed from a terminal or task may carry another id than the sandbox run's, so the
   * test's file and name match it too.
   */
  explain(heals: HealOutcome[]): void {
    for (const shown of this.failures.values()) {
      const heal = heals.find((h) => h.failures.some((f) => sameTest(f, shown)));
      if (heal) this.suspects.set(testKey(shown), suspectsOf(heal.diagnosis.locations, SUSPECTS_SHOWN));
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
      const suspects = this.suspects.get(testKey(failure));
      diagnostic.relatedInformation = suspects?.map(
        (s, i) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(this.files.uri(s.file), new vscode.Position(s.line - 1, 0)),
            plain(`suspect ${i + 1}: ${s.function ?? 'module code'} (${s.why})`),
          ),
      );
      const add = (rel: string, shown: vscode.Diagnostic): void => {
        const key = this.files.uri(rel).toString();
        byFile.set(key, [...(byFile.get(key) ?? []), shown]);
      };
      add(where.rel, diagnostic);
      const top = suspects?.[0];
      if (top && !(top.file === where.rel && top.line === where.line)) add(top.file, this.suspectDiagnostic(failure, top, where));
    }
    for (const [key, diagnostics] of byFile) this.collection.set(vscode.Uri.parse(key), diagnostics);
  }

  /** A warning on the top suspect's line, pointing back at the failing test; the lightbulb finds the failure by its code. */
  private suspectDiagnostic(failure: Failure, suspect: Suspect, test: { rel: string; line: number }): vscode.Diagnostic {
    const line = Math.max(0, suspect.line - 1);
    const text = plain(`Likely cause of the failing test "${failure.name}": ${suspect.function ?? 'module code'} (${suspect.why})`);
    const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), text, vscode.DiagnosticSeverity.Warning);
    diagnostic.source = OUR_SOURCE;
    diagnostic.code = failure.id;
    diagnostic.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(this.files.uri(test.rel), new vscode.Position(Math.max(0, test.line - 1), 0)),
        `the failing test: ${failure.name}`,
      ),
    ];
    return diagnostic;
  }

  /** Forget failures a heal resolved, as shown under any run's id for the same test. */
  remove(resolved: Failure[]): void {
    const shown = [...this.failures.values()];
    const kept = shown.filter((failure) => !resolved.some((r) => sameTest(r, failure)));
    if (kept.length !== shown.length) this.show(kept);
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

/**
 * One test, whichever run reported it: a failure parsed from a terminal or a task may carry another
 * id than the sandbox run's, so the test's file and name match it too.
 */
function sameTest(a: Failure, b: Failure): boolean {
  return a.id === b.id || (!!a.file && a.file === b.file && a.name === b.name);
}

function testKey(failure: Failure): string {
  return failure.file ? `${failure.file}\0${failure.name}` : failure.id;
}

function message(failure: Failure): string {
  const first = failure.message.split('\n')[0] ?? '';
  const values =
    failure.expected !== undefined || failure.actual !== undefined ? `\nexpected: ${failure.expected ?? '?'}\nactual:   ${failure.actual ?? '?'}` : '';
  return `Test failed: ${failure.name}: ${first}${values}`;
}
