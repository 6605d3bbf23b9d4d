/**
 * The lightbulb. `provideCodeActions` only reads caches (the FixCache, our test-failure
 * diagnostics, the debounced compiler errors) and never runs tests: VS Code calls it on every
 * cursor move (DESIGN "Code actions"). A verified fix is offered as the preferred quick fix with
 * its evidence and labels in the title; everything else gets "find a verified fix". The policy is
 * read live: a class turned `off` shows nothing, and a fix that needs review or weakens tests is
 * never the preferred one (the auto-fix keybinding applies the preferred fix without a look).
 */
import * as vscode from 'vscode';
import type { HealOutcome } from '../../core/api';
import type { Failure } from '../../core/model';
import type { DocumentWorkspaceFiles } from '../adapters/workspaceFiles';
import type { DiagnosticFailures } from '../collectors/diagnostics';
import { OUR_SOURCE, type TestFailureDiagnostics } from '../collectors/failureDiagnostics';
import type { FixCache } from '../fixCache';
import type { Guard } from '../guard';
import type { FixTriage } from '../policy';
import { fixDetail, fixSummary, fixTitle } from '../presentation';

export const FIND_FIX_TITLE = 'Self-Heal: find a verified fix';
export const PREVIEW_TITLE = 'Self-Heal: Preview fix…';

export interface CodeActionDeps {
  files: DocumentWorkspaceFiles;
  cache: FixCache;
  testFailures: TestFailureDiagnostics;
  compileErrors: DiagnosticFailures;
  guard: Guard;
  triage: (outcome: HealOutcome) => FixTriage;
}

/** The one provider VS Code calls: it asks the document's folder's HealCodeActions (multi-root, issue 15 §7). */
export class FolderCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly of: (uri: vscode.Uri) => HealCodeActions | undefined) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return this.of(document.uri)?.provideCodeActions(document, range, context) ?? [];
  }
}

export class HealCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  /** Recent provideCodeActions durations (ms), for the performance figures the tests print. */
  readonly durations: number[] = [];

  constructor(private readonly deps: CodeActionDeps) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const started = performance.now();
    try {
      return this.actions(document, range, context);
    } finally {
      this.durations.push(performance.now() - started);
      if (this.durations.length > 200) this.durations.shift();
    }
  }

  private actions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const { files, cache, guard } = this.deps;
    if (!guard.mayRunTests().allowed) return [];
    const rel = files.relative(document.uri);
    if (!rel) return [];
    const failures = this.failuresAt(rel, range, context);
    const actions: vscode.CodeAction[] = [];
    const offered = new Set<string>();
    const offer = (outcome: HealOutcome, diagnostics: vscode.Diagnostic[]): void => {
      if (offered.has(outcome.id) || !this.isCurrent(outcome, document, rel)) return;
      const triage = this.deps.triage(outcome);
      if (triage.mode === 'off') return;
      offered.add(outcome.id);
      actions.push(...fixActions(outcome, triage, diagnostics, offered.size === 1, rel));
    };
    const toFind: Failure[] = [];
    let searching = false;
    for (const { failure, diagnostic } of failures) {
      const state = cache.state(failure.id);
      if (state?.state === 'verified') {
        for (const id of state.outcomeIds) {
          const outcome = cache.outcome(id);
          if (outcome) offer(outcome, diagnostic ? [diagnostic] : []);
        }
      } else if (state?.state === 'searching') {
        searching = true;
      } else if (state?.state !== 'off') {
        toFind.push(failure);
      }
    }
    // The fix's own location (e.g. the source line under test) offers it too.
    for (const outcome of cache.verified()) {
      if (touches(outcome, rel, range, document)) offer(outcome, []);
    }
    if (searching && !offered.size) {
      const pending = new vscode.CodeAction('Self-Heal: verifying a fix…', vscode.CodeActionKind.QuickFix);
      pending.disabled = { reason: 'Self-Heal is running your tests on candidate fixes; the verified fix will appear here.' };
      actions.push(pending);
    }
    if (toFind.length) {
      const find = new vscode.CodeAction(FIND_FIX_TITLE, vscode.CodeActionKind.QuickFix);
      find.diagnostics = failures.filter((entry) => toFind.includes(entry.failure) && entry.diagnostic).map((entry) => entry.diagnostic!);
      find.command = { command: 'selfHeal.findFix', title: FIND_FIX_TITLE, arguments: [toFind, document.uri] };
      actions.push(find);
    }
    return actions;
  }

  private failuresAt(rel: string, range: vscode.Range, context: vscode.CodeActionContext): Array<{ failure: Failure; diagnostic?: vscode.Diagnostic }> {
    const found: Array<{ failure: Failure; diagnostic?: vscode.Diagnostic }> = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== OUR_SOURCE) continue;
      const failure = this.deps.testFailures.failure(String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code));
      if (failure) found.push({ failure, diagnostic });
    }
    for (const failure of this.deps.compileErrors.failuresAt(rel, range)) {
      const diagnostic = context.diagnostics.find((d) => d.source !== OUR_SOURCE && d.range.start.line + 1 === failure.line && d.message === failure.message);
      found.push({ failure, diagnostic });
    }
    return found;
  }

  /** A fix verified on other text would be refused as stale: do not offer it. */
  private isCurrent(outcome: HealOutcome, document: vscode.TextDocument, rel: string): boolean {
    const before = outcome.fix?.before[rel];
    return before === undefined || before === document.getText();
  }
}

/** `rel`: the document the lightbulb is in; a fix of another file says which (its "on line 5" is that file's). */
function fixActions(outcome: HealOutcome, triage: FixTriage, diagnostics: vscode.Diagnostic[], first: boolean, rel: string): vscode.CodeAction[] {
  const fix = outcome.fix!;
  const apply = new vscode.CodeAction(
    fixTitle(fixSummary(fix.candidate.summary, Object.keys(fix.after), rel), fix.evidence, triage.notes),
    vscode.CodeActionKind.QuickFix,
  );
  apply.isPreferred = first && triage.mode !== 'review' && !triage.confirm;
  apply.diagnostics = diagnostics;
  const tooltip = fixDetail(fix, triage).join('\n');
  apply.command = { command: 'selfHeal.applyFix', title: apply.title, tooltip, arguments: [outcome.id] };
  const preview = new vscode.CodeAction(PREVIEW_TITLE, vscode.CodeActionKind.QuickFix);
  preview.diagnostics = diagnostics;
  preview.command = { command: 'selfHeal.previewFix', title: PREVIEW_TITLE, arguments: [outcome.id] };
  return [apply, preview];
}

function touches(outcome: HealOutcome, rel: string, range: vscode.Range, document: vscode.TextDocument): boolean {
  const fix = outcome.fix;
  if (!fix || fix.before[rel] !== document.getText()) return false;
  return fix.candidate.edits.some((edit) => {
    if (edit.file !== rel) return false;
    const start = document.positionAt(edit.start).line;
    const end = document.positionAt(edit.end).line;
    return start <= range.end.line && end >= range.start.line;
  });
}
