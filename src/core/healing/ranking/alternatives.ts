/**
 * Choosing among plausible fixes (issue 14). A candidate that passes the tests is not yet the right
 * one: on unseen code one offered fix in six was wrong. So the search keeps going for a small
 * budget after the first verified candidate, and the verified ones are ranked by
 *   1. patch anti-patterns (antiPatterns.ts): fewer first;
 *   2. behaviour outside the failing tests (behaviour.ts): the fix that changes fewer probe
 *      results beyond what the failing tests need comes first;
 *   3. size of the change, then the search's own order.
 * The tests cannot tell the chosen fix apart from the alternatives that behave differently from it
 * on the probes (or were not probed), whatever their anti-patterns: their number is its ambiguity.
 */
import type { Candidate, Confidence } from '../../model';
import type { Found } from '../../verify/search';
import { applyEdits } from '../../edits';
import { antiPatterns, changeSize, type AntiPattern, type Reached } from './antiPatterns';
import type { Behaviour } from './behaviour';
import { changeKey } from './discarded';

/**
 * After the first verified candidate: how much more the search may spend on alternatives. The
 * candidate count is what normally ends it, so the same code gets the same fix on a busy machine
 * too (a 4 s limit let load decide: an equivalent but clumsier fix won when the natural one was
 * not reached in time); the time limit only bounds projects whose every candidate is a real run.
 */
export const ALTERNATIVE_BUDGET = { candidates: 40, ms: 15_000, verified: 5 };

export interface Plausible {
  found: Found;
  before: Record<string, string>;
  after: Record<string, string>;
  antiPatterns: AntiPattern[];
  size: number;
  /** Probe inputs outside the failing tests where it behaves unlike the original; undefined when not measured. */
  changed?: number;
  /** Its results on every probe input, when measured. */
  results?: string;
}

export interface Choice {
  best: Plausible;
  /** Every distinct verified fix, best first. */
  ranked: Plausible[];
  /** The alternatives the tests and the ranking cannot tell apart from the best. */
  indistinct: Plausible[];
  behaviour: Behaviour | undefined;
}

export class Alternatives {
  private readonly verified: Plausible[] = [];
  private readonly keys = new Set<string>();
  private firstAt: number | undefined;
  private triedSince = 0;
  /** Summaries of the discarded fixes the search met again and skipped. */
  readonly skipped: string[] = [];

  constructor(
    private readonly originals: Record<string, string>,
    private readonly discarded: Map<string, string>,
    private readonly reached: Reached[] = [],
    private readonly budget = ALTERNATIVE_BUDGET,
  ) {}

  /** When the first fix was verified (Date.now()); undefined before. */
  get firstVerifiedAt(): number | undefined {
    return this.firstAt;
  }

  /** Whether the search should try another candidate: always before the first fix, within the budget after. */
  get wanted(): boolean {
    if (this.firstAt === undefined) return true;
    return this.triedSince < this.budget.candidates && this.verified.length < this.budget.verified && Date.now() - this.firstAt < this.budget.ms;
  }

  private texts(candidate: Candidate): { before: Record<string, string>; after: Record<string, string> } {
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    for (const file of new Set(candidate.edits.map((e) => e.file))) {
      before[file] = this.originals[file] ?? '';
      after[file] = applyEdits(
        before[file],
        candidate.edits.filter((e) => e.file === file),
      );
    }
    return { before, after };
  }

  /** A candidate that makes a discarded fix's change, or one already verified, is not tried again. */
  skip(candidate: Candidate): boolean {
    const { before, after } = this.texts(candidate);
    const key = changeKey(before, after);
    const discarded = this.discarded.get(key);
    if (discarded !== undefined && !this.skipped.includes(discarded)) this.skipped.push(discarded);
    // An alternative with more anti-patterns than every fix at hand cannot win, but it is still
    // tried: if it passes too, the tests cannot tell the two apart, and the fix is labelled so.
    return discarded !== undefined || this.keys.has(key);
  }

  /**
   * The order to try `candidates` in: as given until a fix is verified; then the next few, those
   * with the fewest anti-patterns first, so that the budget goes to the alternatives that can win.
   */
  *order(candidates: Candidate[]): Generator<Candidate> {
    let next = 0;
    while (next < candidates.length && this.firstAt === undefined) yield candidates[next++];
    const rest = candidates.slice(next, next + this.budget.candidates).map((c) => ({ c, weight: antiPatterns(c.edits, this.originals, this.reached).length }));
    for (const { c } of rest.sort((a, b) => a.weight - b.weight)) yield c;
  }

  /** Count one tried candidate; `found` when it was verified. */
  tried(found: Found | undefined): void {
    if (this.firstAt !== undefined) this.triedSince++;
    if (!found) return;
    this.firstAt ??= Date.now();
    const { before, after } = this.texts(found.candidate);
    this.keys.add(changeKey(before, after));
    this.verified.push({
      found,
      before,
      after,
      antiPatterns: antiPatterns(found.candidate.edits, this.originals, this.reached),
      size: changeSize(found.candidate.edits, this.originals),
    });
  }

  get plausible(): readonly Plausible[] {
    return this.verified;
  }

  /**
   * Rank the verified fixes; `behaviour` holds one entry per plausible fix after the original, when
   * measured. `keep` stays first whatever the ranking says: the choice already made, when more
   * fixes were verified only to judge it.
   */
  choose(behaviour?: Behaviour, keep?: Candidate): Choice | undefined {
    if (this.verified.length === 0) return undefined;
    const measured = behaviour?.measured ? behaviour : undefined;
    const all = this.verified.map((p, i) => ({ ...p, ...(measured ? { changed: measured.changed[i + 1], results: measured.results[i + 1] } : {}) }));
    const ranked = all
      .map((p, order) => ({ p, order }))
      .sort((a, b) => a.p.antiPatterns.length - b.p.antiPatterns.length || (a.p.changed ?? 0) - (b.p.changed ?? 0) || a.p.size - b.p.size || a.order - b.order)
      .map((x) => x.p);
    const kept = keep ? ranked.findIndex((p) => p.found.candidate === keep) : -1;
    if (kept > 0) ranked.unshift(...ranked.splice(kept, 1));
    const best = ranked[0];
    // Behaviour and anti-patterns order the fixes but do not single one out: the tests pass either
    // way. An anti-pattern makes a fix less likely, not wrong (an operator changed across families
    // is sometimes the right fix, outranked by two equivalent literal edits), so an alternative
    // counts whatever its anti-patterns. Only one that behaves exactly like the best on every probe
    // is the same fix in other words.
    const indistinct = ranked.slice(1).filter((p) => p.results === undefined || p.results !== best.results);
    return { best, ranked, indistinct, behaviour };
  }
}

/**
 * The confidence of the chosen fix: ambiguous when the ranking cannot single it out, when other
 * edits at the very place it changes pass the tests too (the tests do not pin down what belongs
 * there), or when its lines are weakly tested.
 */
export function confidenceOf(choice: Pick<Choice, 'indistinct'> | undefined, weaklyTested: boolean, samePlace = 0): Confidence {
  const reasons: string[] = [];
  const others = choice?.indistinct.length ?? 0;
  if (others > 0) reasons.push(`${others} other verified fix${others === 1 ? ' passes' : 'es pass'} the tests too`);
  if (samePlace > 0) reasons.push(`${samePlace} other edit${samePlace === 1 ? '' : 's'} of the same code pass${samePlace === 1 ? 'es' : ''} the tests too`);
  if (weaklyTested) reasons.push('its lines are weakly tested');
  return { level: reasons.length > 0 ? 'ambiguous' : 'verified', alternatives: others, reasons };
}
