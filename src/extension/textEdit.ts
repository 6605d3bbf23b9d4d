/**
 * The smallest single replacement that turns one text into another. Applying a fix as this one
 * range (rather than replacing the whole document) keeps the cursor, folding and undo stop sane.
 */
export interface Replacement {
  /** Character offsets into the old text. */
  start: number;
  end: number;
  newText: string;
}

export function minimalReplacement(oldText: string, newText: string): Replacement {
  let prefix = 0;
  const max = Math.min(oldText.length, newText.length);
  while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair: back off to the pair's start.
  if (prefix > 0 && isHighSurrogate(oldText.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (suffix < max - prefix && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(oldText.charCodeAt(oldText.length - suffix))) suffix--;
  return { start: prefix, end: oldText.length - suffix, newText: newText.slice(prefix, newText.length - suffix) };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
