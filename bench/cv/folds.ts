/**
 * Cross-validation folds, fixed by task id so that every run, and every reader, puts a task in the
 * same fold: the number after the last `/` of the id modulo k (`JavaScript/37` is in fold 37 % 5
 * = 2 of 5). An id without such a number falls back to a stable FNV-1a hash of the whole id.
 */
export function foldOf(id: string, k: number): number {
  const number = /(\d+)$/.exec(id);
  if (number) return Number(number[1]) % k;
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash % k;
}

/** The items of each fold, in input order: fold i is held out while the others train. */
export function folds<T>(items: T[], idOf: (item: T) => string, k: number): T[][] {
  const out: T[][] = Array.from({ length: k }, () => []);
  for (const item of items) out[foldOf(idOf(item), k)].push(item);
  return out;
}
