/**
 * The verified-fix cache the lightbulb reads. `provideCodeActions` must answer instantly and never
 * run tests (DESIGN "Code actions"), so everything it offers comes from here: per failure, either
 * a search in flight, verified outcomes, the reason none was found, or that selfHeal.policy turns
 * its class off (its fix is not offered, and the lightbulb does not offer to look for one).
 * Pure (no 'vscode').
 */
import type { HealOutcome } from '../core/api';

export type FailureState =
  { state: 'searching' } | { state: 'verified'; outcomeIds: string[] } | { state: 'unfixed'; reason: string } | { state: 'off'; reason: string };

/** Why an outcome left the cache, in words that finish "This fix is no longer on offer: …". */
export const GONE = {
  applied: 'it was applied already; the Self-Heal history lists it',
  discarded: 'it was discarded',
  passed: 'the tests passed since, so there is nothing left to fix',
  reverifying: 'files the tests read changed, so Self-Heal is verifying it again and will offer it again if it still holds',
  replaced: 'a newer run replaced it. Run Self-Heal again',
} as const;

/** Enough to answer any notification still on screen; older ids get the generic reason. */
const GONE_KEPT = 200;

export class FixCache {
  private readonly outcomes = new Map<string, HealOutcome>();
  /** Outcomes that left the cache, and why: a notification may still offer them (issue 15 §8). */
  private readonly gone = new Map<string, string>();
  private readonly failures = new Map<string, FailureState>();
  private readonly listeners = new Set<() => void>();

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  searching(failureIds: string[]): void {
    for (const id of failureIds) {
      // A verified fix stays on offer while a new search runs.
      if (this.failures.get(id)?.state !== 'verified') this.failures.set(id, { state: 'searching' });
    }
    this.changed();
  }

  /**
   * Record a heal session's outcomes; failures still marked searching in `asked` are settled too.
   * `off`: outcomes whose fix the policy withheld (they come without a fix, with the reason).
   */
  record(heals: HealOutcome[], asked: string[] = [], off: string[] = []): void {
    const settled = new Set<string>();
    for (const heal of heals) {
      for (const failure of heal.failures) {
        settled.add(failure.id);
        if (heal.fix) {
          this.outcomes.set(heal.id, heal);
          const previous = this.failures.get(failure.id);
          const ids = previous?.state === 'verified' ? previous.outcomeIds.filter((id) => this.outcomes.has(id)) : [];
          this.failures.set(failure.id, { state: 'verified', outcomeIds: [heal.id, ...ids.filter((id) => id !== heal.id)] });
        } else if (this.failures.get(failure.id)?.state !== 'verified') {
          const reason = heal.reason ?? 'no candidate passed the tests';
          this.failures.set(failure.id, off.includes(heal.id) ? { state: 'off', reason } : { state: 'unfixed', reason });
        }
      }
    }
    for (const id of asked) {
      if (!settled.has(id) && this.failures.get(id)?.state === 'searching') {
        this.failures.set(id, { state: 'unfixed', reason: 'the failure did not reproduce in the sandbox' });
      }
    }
    this.changed();
  }

  /** A search ended without a report (cancelled or failed): nothing is in flight any more. */
  abandon(failureIds: string[]): void {
    for (const id of failureIds) if (this.failures.get(id)?.state === 'searching') this.failures.delete(id);
    this.changed();
  }

  state(failureId: string): FailureState | undefined {
    return this.failures.get(failureId);
  }

  outcome(id: string): HealOutcome | undefined {
    return this.outcomes.get(id);
  }

  /** Verified outcomes, newest first. */
  verified(): HealOutcome[] {
    return [...this.outcomes.values()].reverse();
  }

  /** Why `id` is no longer on offer, if it was once. */
  whyGone(id: string): string | undefined {
    return this.gone.get(id);
  }

  private forget(id: string, why: string): void {
    this.gone.delete(id);
    this.gone.set(id, why);
    if (this.gone.size > GONE_KEPT) this.gone.delete(this.gone.keys().next().value!);
  }

  /**
   * Offer an outcome again: the heal it became was undone or reverted, so its failure is back and
   * the fix holds again on the text it was verified on (the lightbulb checks that before offering).
   */
  restore(outcome: HealOutcome): void {
    this.gone.delete(outcome.id);
    this.record([outcome]);
  }

  /** Forget an outcome (applied or discarded) and the failures it was for. */
  remove(outcomeId: string, why: string = GONE.replaced): void {
    const outcome = this.outcomes.get(outcomeId);
    if (!outcome) return;
    this.outcomes.delete(outcomeId);
    this.forget(outcomeId, why);
    for (const failure of outcome.failures) {
      const state = this.failures.get(failure.id);
      if (state?.state !== 'verified') continue;
      const rest = state.outcomeIds.filter((id) => id !== outcomeId && this.outcomes.has(id));
      if (rest.length) this.failures.set(failure.id, { state: 'verified', outcomeIds: rest });
      else this.failures.delete(failure.id);
    }
    this.changed();
  }

  /** selfHeal.policy changed: failures it had turned off may be healed again. */
  forgetOff(): void {
    for (const [id, state] of this.failures) if (state.state === 'off') this.failures.delete(id);
    this.changed();
  }

  /** The test run passed: no failure is pending, and unapplied fixes answer a question nobody asks. */
  clear(): void {
    for (const id of this.outcomes.keys()) this.forget(id, GONE.passed);
    this.outcomes.clear();
    this.failures.clear();
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
