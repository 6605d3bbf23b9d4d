/**
 * Text edits applied to a file's text: the one way every engine, the verifier and the guards turn
 * a candidate's edits into new text. Edits are applied from the end, so earlier offsets stay valid.
 */
import type { TextEdit } from './model';

export function applyEdits(text: string, edits: Array<Pick<TextEdit, 'start' | 'end' | 'newText'>>): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
