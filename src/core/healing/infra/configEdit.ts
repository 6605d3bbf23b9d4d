/**
 * Edits to configuration files that keep the file as its author wrote it: JSON through
 * jsonc-parser's `modify` (only the changed property moves, comments and indentation stay), and
 * everything else as one replaced number, so a reviewer sees a one-line diff.
 */
import { modify, parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { TextEdit } from '../../model';

/** The indentation the file already uses (two spaces when it does not say). */
function indentOf(text: string): { insertSpaces: boolean; tabSize: number } {
  const line = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return line.startsWith('\t') ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: line.length };
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  return errors.length === 0 && typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/** Set `jsonPath` to `value` in a JSON(C) text; new keys go in alphabetical place when `sorted`. */
export function jsonEdit(file: string, text: string, jsonPath: string[], value: unknown, sorted = false): TextEdit[] {
  const key = jsonPath[jsonPath.length - 1];
  const edits = modify(text, jsonPath, value, {
    formattingOptions: { ...indentOf(text), eol: text.includes('\r\n') ? '\r\n' : '\n' },
    // npm keeps dependency lists sorted; a new entry in its place is the diff `npm install` would make.
    getInsertionIndex: sorted ? (properties) => properties.filter((p) => p.localeCompare(key) < 0).length : undefined,
  });
  return edits.map((e) => ({ file, start: e.offset, end: e.offset + e.length, newText: e.content }));
}

/** Replace the number in group 2 of the first match of `pattern` (groups: 1 prefix, 2 number). */
export function numberEdit(file: string, text: string, pattern: RegExp, value: number): TextEdit[] {
  const match = pattern.exec(text);
  if (!match) return [];
  const start = match.index + match[1].length;
  return [{ file, start, end: start + match[2].length, newText: String(value) }];
}
