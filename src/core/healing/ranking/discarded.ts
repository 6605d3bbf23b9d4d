/**
 * Fixes a person threw away (Discard in the preview, a CI branch closed unmerged) are not offered
 * again: a later search skips any candidate that makes the same change, and offers the next
 * alternative instead. "The same change" is what the fix removes and adds, not its whole file,
 * so an unrelated edit elsewhere in the file does not bring a discarded fix back. Which fixes were
 * discarded is read from the ledger by record/decisions (discardedChanges).
 */
/** What `after` changes in `before`, per file: the text between the common prefix and suffix. */
export function changeKey(before: Record<string, string>, after: Record<string, string>): string {
  return Object.keys(after)
    .sort()
    .map((file) => {
      const [b, a] = [before[file] ?? '', after[file]];
      let head = 0;
      while (head < b.length && head < a.length && b[head] === a[head]) head++;
      let tail = 0;
      while (tail < b.length - head && tail < a.length - head && b[b.length - 1 - tail] === a[a.length - 1 - tail]) tail++;
      return `${file}\u0000${b.slice(head, b.length - tail)}\u0000${a.slice(head, a.length - tail)}`;
    })
    .join('\u0001');
}
