/**
 * The developers' fix of a bug (`Bug-N-test` → `Bug-N-full`) as line hunks per source file, the
 * functions it changes (read with tree-sitter from the buggy text, for the "localized" grade), and
 * the same fix written in Self-Heal's LLM reply format (src/core/healing/llm/reply.ts) for the
 * pipeline ceiling (oracle model).
 */
import { diffArrays } from 'diff';
import { isTestFile } from '../../src/core/analysis/localize';
import { grammarFor } from '../../src/core/analysis/treeSitter';
import { functionUnits, type FunctionUnit } from '../../src/core/healing/llm/functions';
import type { LlmEdit, LlmReply } from '../../src/core/healing/llm/reply';
import { changedFiles, DEPENDENCY_FIELDS, fileAt, type BugsJsProject, type Bug } from './project';

/** Lines `[from, to)` (0-based) of the buggy file are replaced by `lines`. */
export interface Hunk {
  from: number;
  to: number;
  lines: string[];
}

export interface FileFix {
  file: string;
  buggy: string;
  fixed: string;
  hunks: Hunk[];
}

/** A function the reference fix changes: the core's function unit without its text. */
export type ChangedFunction = Omit<FunctionUnit, 'text'>;

export interface ReferenceFix {
  files: FileFix[];
  /** Files the fix changes that a source edit cannot express (package.json, new or deleted files, tests). */
  notExpressible: string[];
  /**
   * Dependencies whose version the fix changes in package.json (`name old → new`): the buggy
   * install may lack what the fixed code needs, and then no source edit, the reference one
   * included, can pass there: the report says so beside a ceiling that was not verified.
   */
  dependencyChanges: string[];
  changedFunctions: ChangedFunction[];
}

const splitLines = (text: string): string[] => text.split('\n');

/**
 * Hunks whose replaced span is never empty and never replaced by nothing: the reply format
 * replaces whole lines, so a pure insertion or deletion takes its neighbour line along.
 */
export function hunksOf(buggy: string, fixed: string): Hunk[] {
  const a = splitLines(buggy);
  const hunks: Hunk[] = [];
  let index = 0;
  let open: Hunk | undefined;
  for (const part of diffArrays(a, splitLines(fixed))) {
    if (!part.added && !part.removed) {
      if (open) hunks.push(open);
      open = undefined;
      index += part.value.length;
      continue;
    }
    open ??= { from: index, to: index, lines: [] };
    if (part.removed) {
      index += part.value.length;
      open.to = index;
    } else open.lines.push(...part.value);
  }
  if (open) hunks.push(open);
  const widened = hunks.map((h) => {
    if (h.to > h.from && h.lines.length > 0) return h;
    // Take the line before along (or after, at the top of the file).
    return h.from > 0 ? { from: h.from - 1, to: h.to, lines: [a[h.from - 1], ...h.lines] } : { from: h.from, to: h.to + 1, lines: [...h.lines, a[h.to]] };
  });
  const merged: Hunk[] = [];
  for (const h of widened) {
    const last = merged[merged.length - 1];
    if (last && h.from <= last.to)
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, h.to), lines: [...last.lines, ...a.slice(last.to, h.from), ...h.lines] };
    else merged.push(h);
  }
  return merged;
}

/** Offset of the start of 0-based line `line`. */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

/** Every function (at any nesting) whose text the hunks touch, from the buggy file; never the whole file. */
async function changedFunctionsOf(fix: FileFix): Promise<ChangedFunction[]> {
  const units = await functionUnits(fix.file, fix.buggy);
  const spans = fix.hunks.map((h) => ({ start: offsetOfLine(fix.buggy, h.from), end: offsetOfLine(fix.buggy, h.to) }));
  return units.filter((u) => spans.some((s) => s.start < u.end && u.start < s.end)).map(({ text: _text, ...unit }) => unit);
}

export async function referenceFix(project: BugsJsProject, bug: Bug): Promise<ReferenceFix> {
  const files: FileFix[] = [];
  const notExpressible: string[] = [];
  for (const file of await changedFiles(project, bug.buggyTag, bug.fixedTag)) {
    const buggy = await fileAt(project, bug.buggyTag, file);
    const fixed = await fileAt(project, bug.fixedTag, file);
    if (buggy === undefined || fixed === undefined || !grammarFor(file) || isTestFile(file)) notExpressible.push(file);
    else files.push({ file, buggy, fixed, hunks: hunksOf(buggy, fixed) });
  }
  const changedFunctions = (await Promise.all(files.map(changedFunctionsOf))).flat();
  const dependencyChanges = notExpressible.includes('package.json')
    ? dependencyChangesOf(await fileAt(project, bug.buggyTag, 'package.json'), await fileAt(project, bug.fixedTag, 'package.json'))
    : [];
  return { files, notExpressible, dependencyChanges, changedFunctions };
}

/** `name old → new` for every dependency whose range differs between two package.json texts (added: `(none)`, removed: `(removed)`). */
export function dependencyChangesOf(buggy: string | undefined, fixed: string | undefined): string[] {
  const ranges = (text: string | undefined): Map<string, string> => {
    let pkg: Record<string, unknown> = {};
    try {
      pkg = JSON.parse(text ?? '{}') as Record<string, unknown>;
    } catch {
      // Unreadable: no dependencies to compare.
    }
    const out = new Map<string, string>();
    for (const field of DEPENDENCY_FIELDS)
      for (const [name, range] of Object.entries((pkg[field] as Record<string, unknown> | undefined) ?? {})) out.set(name, String(range));
    return out;
  };
  const [before, after] = [ranges(buggy), ranges(fixed)];
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((name) => before.get(name) !== after.get(name))
    .map((name) => `${name} ${before.get(name) ?? '(none)'} → ${after.get(name) ?? '(removed)'}`);
}

/** The buggy lines each hunk replaces, as one block of text (what the prompt must show). */
export function buggyBlocks(fix: FileFix): string[] {
  const lines = splitLines(fix.buggy);
  return fix.hunks.map((h) => lines.slice(h.from, h.to).join('\n'));
}

/** Line spans (1-based, inclusive) of the code shown in a prompt, per file, from its `### file — …, lines A–B` headers. */
export function shownSpans(prompt: string): Array<{ file: string; startLine: number; endLine: number }> {
  return [...prompt.matchAll(/^### (\S+) — .*, lines (\d+)–(\d+)$/gm)].map((m) => ({ file: m[1], startLine: Number(m[2]), endLine: Number(m[3]) }));
}

/**
 * The reference fix as a model would have to write it: one range edit per hunk, and, like a model
 * following the system prompt, an `outOfScopeReason` for a hunk outside the functions the prompt
 * showed. A range edit needs no function matching between versions, so it expresses any hunk.
 */
export function oracleReply(fix: ReferenceFix, prompt: string): LlmReply {
  const shown = shownSpans(prompt);
  const edits: LlmEdit[] = fix.files.flatMap((f) =>
    f.hunks.map((h) => {
      const range = { startLine: h.from + 1, endLine: h.to };
      const inside = shown.some((s) => s.file === f.file && s.startLine <= range.startLine && range.endLine <= s.endLine);
      return {
        file: f.file,
        range,
        newText: h.lines.join('\n'),
        ...(inside ? {} : { outOfScopeReason: 'The reference fix changes these lines too; they are outside the functions shown.' }),
      };
    }),
  );
  return { explanation: 'The reference fix of this bug (pipeline ceiling, oracle model).', edits };
}
