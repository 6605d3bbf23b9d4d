/**
 * The AST constraint (paper §5.2): a reply becomes candidate edits only if every patched file
 * parses with tree-sitter (no ERROR or MISSING node), every edit stays inside the localized
 * functions unless the model says why, test files are left alone unless the failure is a test
 * problem, and every path is a real file inside the workspace. The path rules hold even when the
 * constraint is switched off (that switch exists to measure what the constraint buys).
 */
import type { TextEdit } from '../../model';
import { isTestFile } from '../../analysis/localize';
import { grammarFor, walk, withTree } from '../../analysis/treeSitter';
import { applyEdits } from '../../edits';
import { functionUnits, lineAt, type FunctionUnit } from './functions';
import type { Privacy } from './privacy';
import type { Redactor } from './redact';
import type { LlmEdit, LlmReply } from './reply';

export interface ConstraintInput {
  reply: LlmReply;
  privacy: Privacy;
  redactor: Redactor;
  /** The units shown to the model: the edit scope. */
  scope: FunctionUnit[];
  /** Current text of a workspace-relative file that passed the privacy check. */
  readText(rel: string): Promise<string | undefined>;
  /** The failure is a test problem, so editing a test file is the expected fix. */
  testProblem: boolean;
  /** Parse, scope and test-file checks; off only to measure what they prevent. */
  enforce: boolean;
}

export type Constrained =
  { ok: true; edits: TextEdit[]; editsTests: boolean; before: Record<string, string>; after: Record<string, string> } | { ok: false; reason: string };

/** Offsets of lines `from`..`to` (1-based, inclusive), without the last line's newline. */
function lineSpan(text: string, from: number, to: number): { start: number; end: number } | undefined {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const lines = text.endsWith('\n') ? starts.length - 1 : starts.length;
  if (to > Math.max(lines, 1)) return undefined;
  const end = to < starts.length ? starts[to] - 1 : text.length;
  return { start: starts[from - 1], end: Math.max(starts[from - 1], end) };
}

async function locate(edit: LlmEdit, rel: string, text: string, scope: FunctionUnit[]): Promise<{ start: number; end: number; newText: string } | string> {
  if (edit.range) {
    const span = lineSpan(text, edit.range.startLine, edit.range.endLine);
    if (!span) return `${rel} has ${lineAt(text, text.length)} line(s); the range ${edit.range.startLine}–${edit.range.endLine} is past its end`;
    // Whole lines are replaced, so a trailing newline in newText would add an empty line.
    return { ...span, newText: edit.newText.replace(/\r?\n$/, '') };
  }
  const wanted = edit.functionName!.split('.').pop()!;
  const named = (await functionUnits(rel, text)).filter((u) => u.name === wanted);
  if (named.length === 0) return `${rel} has no function named ${edit.functionName}`;
  const inScope = (u: FunctionUnit): boolean => scope.some((s) => s.file === rel && s.start <= u.start && u.end <= s.end);
  const unit = named.find((u) => scope.some((s) => s.file === rel && s.start === u.start)) ?? named.find(inScope) ?? named[0];
  return { start: unit.start, end: unit.end, newText: edit.newText };
}

function withinScope(edit: LlmEdit, rel: string, start: number, end: number, scope: FunctionUnit[]): boolean {
  return scope.some((s) => {
    if (s.file !== rel) return false;
    if (s.start <= start && end <= s.end) return true;
    // A range edit replaces whole lines; a unit that starts mid-line still owns those lines.
    return !!edit.range && s.startLine <= edit.range.startLine && edit.range.endLine <= s.endLine;
  });
}

/** Plain-words location of the first syntax error, or undefined when the text parses cleanly. */
export async function syntaxError(rel: string, text: string): Promise<string | undefined> {
  const found = await withTree(rel, text, (tree) => {
    if (!tree.rootNode.hasError) return '';
    for (const node of walk(tree.rootNode)) {
      if (node.isMissing) return `missing \`${node.type}\` at line ${node.startPosition.row + 1}`;
      if (node.isError) return `unexpected \`${node.text.split('\n')[0].slice(0, 40)}\` at line ${node.startPosition.row + 1}`;
    }
    return 'a syntax error';
  });
  return found || undefined;
}

export async function constrain(input: ConstraintInput): Promise<Constrained> {
  const { reply } = input;
  const edits: TextEdit[] = [];
  const before: Record<string, string> = {};
  let editsTests = false;
  for (const [index, edit] of reply.edits.entries()) {
    const label = reply.edits.length > 1 ? `edit ${index + 1} (${edit.file})` : edit.file;
    const checked = await input.privacy.check(edit.file);
    if (!checked.ok) return { ok: false, reason: `${label}: ${checked.reason}` };
    const rel = checked.rel;
    const test = isTestFile(rel);
    if (input.enforce && test && !input.testProblem)
      return { ok: false, reason: `${label}: edits the test file ${rel}, but the failure is a code bug; fix the code under test, not the test` };
    editsTests ||= test;
    if (input.enforce && !grammarFor(rel)) return { ok: false, reason: `${label}: only JavaScript and TypeScript source files can be patched` };
    const text = before[rel] ?? (await input.readText(rel));
    if (text === undefined) return { ok: false, reason: `${label}: ${rel} could not be read` };
    before[rel] = text;
    const span = await locate(edit, rel, text, input.scope);
    if (typeof span === 'string') return { ok: false, reason: `${label}: ${span}` };
    if (input.enforce && !withinScope(edit, rel, span.start, span.end, input.scope) && !(edit.outOfScopeReason ?? reply.outOfScopeReason)) {
      const names = input.scope.map((s) => `${s.file}:${s.startLine}–${s.endLine}${s.name ? ` (${s.name})` : ''}`).join(', ');
      return {
        ok: false,
        reason: `${label}: lines ${lineAt(text, span.start)}–${lineAt(text, span.end)} are outside the suspicious function(s) ${names}; edit those, or give outOfScopeReason`,
      };
    }
    edits.push({ file: rel, start: span.start, end: span.end, newText: input.redactor.restore(span.newText) });
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const after: Record<string, string> = {};
  for (const [rel, fileEdits] of byFile) {
    const sorted = [...fileEdits].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) return { ok: false, reason: `two edits overlap in ${rel}` };
    after[rel] = applyEdits(before[rel], fileEdits);
  }
  if (Object.keys(after).every((rel) => after[rel] === before[rel])) return { ok: false, reason: 'the edits change nothing' };
  if (input.enforce) {
    for (const [rel, text] of Object.entries(after)) {
      const error = await syntaxError(rel, text);
      if (error) return { ok: false, reason: `the patched ${rel} does not parse (${error})` };
    }
  }
  return { ok: true, edits, editsTests, before, after };
}
