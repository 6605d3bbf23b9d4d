/**
 * Patch anti-patterns: edits that make tests pass far more often than they fix the bug. From Tan
 * et al., "Anti-patterns in search-based program repair" (FSE 2016) — deleting a control statement
 * or an exit, trivial conditions — and from the single-statement bug frequencies of ManySStuBs4J,
 * where a wrong operator is almost always replaced by one of the same family (`<` by `<=`, `+` by
 * `-`), hardly ever by one of another family (`==` by `<`, `+` by `%`). An edit that makes its
 * own change a no-op (`- 1` → `* 1`) is a deletion in disguise: the plain deletion says the same
 * with less, so the disguised one ranks below it.
 *
 * Features are read from a candidate's edits and the original text only: no operator names, so
 * they judge the mutation engine's, the LLM's and any future engine's candidates alike.
 */
import type { TextEdit } from '../../model';

export type AntiPatternKind = 'cross-family-operator' | 'identity-edit' | 'trivial-condition' | 'deletes-control' | 'deletes-exit' | 'outside-reached-code';

export interface AntiPattern {
  kind: AntiPatternKind;
  /** Plain words for logs and the preview: "replaces the equality `==` by the ordering `<`". */
  detail: string;
}

/** What one edit really changes: the edit's text with the part it leaves as it was trimmed off both ends. */
export interface Change {
  file: string;
  /** Offset of the change in the original text. */
  start: number;
  removed: string;
  added: string;
}

/** A code region the failing tests reach (a suspicious location), as offsets into its file. */
export interface Reached {
  file: string;
  start: number;
  end: number;
}

const FAMILIES: Array<[string, string[]]> = [
  ['equality', ['==', '===', '!=', '!==']],
  ['ordering', ['<', '<=', '>', '>=']],
  ['arithmetic', ['+', '-', '*', '/', '%', '**']],
  ['logical', ['&&', '||', '??']],
  ['bitwise', ['&', '|', '^', '<<', '>>', '>>>']],
];

function familyOf(token: string): string | undefined {
  return FAMILIES.find(([, ops]) => ops.includes(token))?.[0];
}

const charClass = (c: string): string => (/[\w$]/.test(c) ? 'word' : /[=!<>+\-*/%&|^?]/.test(c) ? 'operator' : 'other');
/** Two characters of one token: a name (`done`) or an operator (`!==`); a change never splits one. */
const joins = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && charClass(a) !== 'other' && charClass(a) === charClass(b);

/** The edit narrowed to the whole tokens that differ: `a - 1` → `a * 1` is "-" → "*" at the operator's offset. */
export function changeOf(original: string, edit: TextEdit): Change {
  const old = original.slice(edit.start, edit.end);
  const next = edit.newText;
  let head = 0;
  while (head < old.length && head < next.length && old[head] === next[head]) head++;
  while (head > 0 && (joins(old[head - 1], old[head]) || joins(next[head - 1], next[head]))) head--;
  let tail = 0;
  while (tail < old.length - head && tail < next.length - head && old[old.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  while (tail > 0 && (joins(old[old.length - tail - 1], old[old.length - tail]) || joins(next[next.length - tail - 1], next[next.length - tail]))) tail--;
  return { file: edit.file, start: edit.start + head, removed: old.slice(head, old.length - tail), added: next.slice(head, next.length - tail) };
}

/** Operations that leave a value as it was; a patch that writes one changed nothing it can explain. */
const IDENTITIES = [/[*/]\s*1(?![\w.])/g, /\*\*\s*1(?![\w.])/g, /(?<![\w.)\]])\s*1\s*\*(?!\*)/g, /[+-]\s*0(?![\w.xXbBoO])/g, /\|\|\s*false\b/g, /&&\s*true\b/g];

function identities(text: string): number {
  return IDENTITIES.reduce((n, re) => n + (text.match(re)?.length ?? 0), 0);
}

/** A name compared with, or subtracted from, itself (`a === a`): a constant in disguise, often left by a swapped identifier. */
const SELF_OPERATION = /(?<![\w$.])([A-Za-z_$][\w$]*)\s*(===|!==|==|!=|<=|>=|<|>|-|\/|&&|\|\|)\s*\1(?![\w$(.[])/g;

function selfOperations(text: string): number {
  return text.match(SELF_OPERATION)?.length ?? 0;
}

/** The line(s) of `text` around [start, end). */
function linesAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return text.slice(from, to === -1 ? text.length : to);
}

const CONTROL = /\b(if|while|for|switch)\s*\(/;
const EXIT = /\b(return|throw|break|continue)\b/;
const BOOLEAN = /^(true|false)$/;

/** The anti-patterns in one candidate, judged against the original texts (file → text). */
export function antiPatterns(edits: TextEdit[], originals: Record<string, string>, reached: Reached[] = []): AntiPattern[] {
  const found: AntiPattern[] = [];
  for (const edit of edits) {
    const original = originals[edit.file];
    if (original === undefined) continue;
    const change = changeOf(original, edit);
    const removed = change.removed.trim();
    const added = change.added.trim();
    const [from, to] = [familyOf(removed), familyOf(added)];
    if (from && to && from !== to)
      found.push({ kind: 'cross-family-operator', detail: `replaces the ${from} operator \`${removed}\` by the ${to} operator \`${added}\`` });
    const before = linesAround(original, edit.start, edit.end);
    const after = linesAround(original.slice(0, edit.start) + edit.newText + original.slice(edit.end), edit.start, edit.start + edit.newText.length);
    if (identities(after) > identities(before))
      found.push({ kind: 'identity-edit', detail: `makes an operation a no-op (\`${after.trim()}\`) instead of removing it` });
    if (BOOLEAN.test(added) && removed.length > 0 && !BOOLEAN.test(removed))
      found.push({ kind: 'trivial-condition', detail: `replaces \`${removed}\` by the constant \`${added}\`` });
    else if (selfOperations(after) > selfOperations(before))
      found.push({ kind: 'trivial-condition', detail: `makes \`${after.trim()}\` operate on a value with itself` });
    if (CONTROL.test(change.removed) && !CONTROL.test(change.added))
      found.push({ kind: 'deletes-control', detail: `deletes the condition \`${removed.split('\n')[0]}\`` });
    else if (EXIT.test(change.removed) && !EXIT.test(change.added))
      found.push({ kind: 'deletes-exit', detail: `deletes the exit \`${removed.split('\n')[0]}\`` });
    const inFile = reached.filter((r) => r.file === edit.file);
    if (inFile.length > 0 && !inFile.some((r) => change.start >= r.start && change.start + change.removed.length <= r.end)) {
      found.push({ kind: 'outside-reached-code', detail: `edits ${edit.file} outside the code the failing tests reach` });
    }
  }
  return found;
}

const tokens = (text: string): number => text.match(/[\w$]+|[=!<>+\-*/%&|^?]+|\S/g)?.length ?? 0;

/** Tokens removed plus tokens added over all edits: `===` → `!==` is 2, deleting `- 1` is 2, `i` → `i + 1` is 2. */
export function changeSize(edits: TextEdit[], originals: Record<string, string>): number {
  return edits.reduce((sum, edit) => {
    const change = changeOf(originals[edit.file] ?? '', edit);
    return sum + tokens(change.removed) + tokens(change.added);
  }, 0);
}
