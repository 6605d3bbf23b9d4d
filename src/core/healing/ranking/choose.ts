/**
 * The last step of the search: measure how the verified fixes behave beside the original (only
 * when there is a choice to make, and all of them edit the same one file), then rank them.
 */
import type { Candidate } from '../../model';
import type { Log } from '../../ports';
import type { Alternatives, Choice } from './alternatives';
import { measureBehaviour, type Behaviour } from './behaviour';

export interface ChooseContext {
  cwd: string;
  testFiles: string[];
  failingNames: string[];
  readText: (rel: string) => Promise<string | undefined>;
  signal?: AbortSignal;
  log: Log;
}

/** The probes may take this long in all; past it the ranking goes on without them. */
const PROBE_BUDGET_MS = 4000;

/** Measure and rank; `keep` is a choice already made that stays first (see Alternatives.choose). */
export async function chooseAmong(alternatives: Alternatives, ctx: ChooseContext, keep?: Candidate): Promise<Choice | undefined> {
  const plausible = alternatives.plausible;
  if (plausible.length === 0) return undefined;
  let behaviour: Behaviour | undefined;
  const targets = new Set(plausible.flatMap((p) => Object.keys(p.after)));
  if (plausible.length > 1 && targets.size === 1) {
    const [target] = targets;
    const variants = [plausible[0].before[target], ...plausible.map((p) => p.after[target])];
    behaviour = await measureBehaviour({
      cwd: ctx.cwd,
      target,
      variants,
      testFiles: ctx.testFiles,
      failingNames: ctx.failingNames,
      readText: ctx.readText,
      budgetMs: PROBE_BUDGET_MS,
      signal: ctx.signal,
    });
    ctx.log.debug(
      behaviour.measured
        ? `behaviour: ${behaviour.inputs} probe input(s); results changed outside the failing tests: ${behaviour.changed.slice(1).join(', ')}`
        : `behaviour: not measured (${behaviour.reason})`,
    );
  }
  const choice = alternatives.choose(behaviour, keep);
  if (choice && choice.ranked.length > 1) {
    ctx.log.debug(
      `${choice.ranked.length} verified fixes, ranked: ${choice.ranked.map((p) => `${p.found.candidate.summary}${p.antiPatterns.length ? ` [${p.antiPatterns.map((a) => a.kind).join(', ')}]` : ''}`).join(' > ')}`,
    );
  }
  return choice;
}
