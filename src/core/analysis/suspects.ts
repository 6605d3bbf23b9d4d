/**
 * The diagnosis's ranked suspects as users, scripts and benchmarks read them (issue 13 item 6):
 * where Self-Heal looked and why, for healed and unhealed failures alike, so a user can check
 * the reasoning, or take over where Self-Heal stopped.
 */
import type { Location } from '../model';

export interface Suspect {
  file: string;
  /** The enclosing function's name; absent for module-level code and anonymous functions. */
  function?: string;
  /** 1-based, as editors and stack traces count. */
  line: number;
  /** Higher is more suspicious; comparable within one diagnosis only. */
  score: number;
  why: string;
}

export const TOP_SUSPECTS = 10;

/**
 * Locations best first, one per named function: the function's best line stands for it, with its
 * reason. Spectrum-based localization scores every line a function runs, and ten lines of one
 * function would fill a top ten that should show where else to look. Module-level lines and
 * anonymous functions have no name to group by and stay one per location.
 */
export function onePerFunction<T extends Pick<Location, 'file' | 'function' | 'score'>>(locations: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...locations]
    .sort((a, b) => b.score - a.score)
    .filter((l) => {
      if (!l.function) return true;
      const key = `${l.file}\0${l.function}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The first `max` suspects, best first, one per function, with scores rounded for reading. */
export function suspectsOf(locations: Location[], max = TOP_SUSPECTS): Suspect[] {
  return onePerFunction(locations)
    .slice(0, max)
    .map((l) => ({ file: l.file, ...(l.function ? { function: l.function } : {}), line: l.line + 1, score: Math.round(l.score * 1000) / 1000, why: l.why }));
}

/** One suspect in a line: `lib/request.js:12 protocol (why)`. */
export function suspectText(s: Suspect): string {
  return `${s.file}:${s.line}${s.function ? ` ${s.function}` : ''} (${s.why})`;
}
