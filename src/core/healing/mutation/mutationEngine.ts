/**
 * The offline engine as the pipeline runs it (GenProg-like, DESIGN "healing"): single edits in
 * the order of their priors and the ledger's decisions, screened cheaply and verified for real;
 * then pairs built on the singles that made some assertions pass. After the first verified fix it
 * keeps going for a small budget, and the verified fixes are ranked (healing/ranking).
 */
import { testFilesOf } from '../../analysis/localize';
import type { Candidate } from '../../model';
import { SelfHealError } from '../../model';
import type { Engine, EngineContext, EngineResult } from '../engine';
import type { Choice, Plausible } from '../ranking/alternatives';
import { chooseAmong } from '../ranking/choose';
import { hintsFrom, pairCandidates, parseable, rankedSingles } from './engine';

/** Candidates verified per failure group before giving up, and how many of them may be pairs. */
export const MUTATION_BUDGET = { candidates: 400, pairs: 300 };

export const mutationEngine: Engine = {
  name: 'mutation',
  changes: 'code',
  async heal(ctx: EngineContext): Promise<EngineResult> {
    const { search, alternatives, sources: files, options } = ctx;
    const failures = [...ctx.diagnosis.failures];
    await search.prepare();
    const singles = ctx.byPastDecisions(await rankedSingles(ctx.diagnosis.locations, files, hintsFrom(failures), options.mutationPriors));
    const budget = options.maxCandidates ?? MUTATION_BUDGET.candidates;
    ctx.log.info(`${failures[0].name}: ${ctx.diagnosis.class}; ${ctx.diagnosis.locations.length} suspicious location(s); ${singles.length} candidate edit(s)`);
    const parsed = await parseable(singles, files, budget);
    const tried = await tryAll(parsed, ctx);
    if (alternatives.plausible.length === 0 && tried < budget && search.tally.promising.length > 0) {
      // Guided pairs: a second edit on top of a single that already made some assertions pass.
      const parents = search.tally.promising
        .sort((a, b) => b.fitness - a.fitness)
        .slice(0, 8)
        .map((p) => p.candidate);
      const pairs = await pairCandidates(parents, singles, files, Math.min(MUTATION_BUDGET.pairs, budget - tried));
      ctx.log.debug(`trying ${pairs.length} two-edit candidate(s) built on ${parents.length} promising edit(s)`);
      await tryAll(pairs, ctx);
    }
    const choose = (keep?: Candidate) =>
      chooseAmong(
        alternatives,
        {
          cwd: ctx.sandbox.cwd,
          testFiles: testFilesOf(failures),
          failingNames: failures.map((f) => f.name),
          readText: (rel) => ctx.sandbox.read(rel),
          signal: ctx.signal,
          log: ctx.log,
        },
        keep,
      );
    let choice = await choose();
    // Do the tests pin down the code the fix changes? Other edits of exactly that code are tried,
    // and those that pass are measured beside the fix; the fix stays the one chosen.
    const chosen = choice?.best.found.candidate;
    if (chosen && (await verifySamePlace(chosen, parsed, ctx)) > 0) choice = await choose(chosen);
    return { found: choice?.best.found, files, choice, samePlace: choice ? samePlaceAlternatives(choice).length : 0 };
  },
};

/** How many other edits of the same code the search may verify, after the fix is chosen, to see whether the tests pin that code down. */
export const SAME_PLACE_BUDGET = 6;

/** An edit of exactly the code `of` edits (one edit each, the same file and range), with other text. */
function samePlace(c: Candidate, of: Candidate): boolean {
  const [a, b] = [c.edits, of.edits];
  return a.length === 1 && b.length === 1 && a[0].file === b[0].file && a[0].start === b[0].start && a[0].end === b[0].end && a[0].newText !== b[0].newText;
}

/**
 * Try the other single edits of exactly the code the chosen fix replaces (a literal 1 where 2
 * might do as well, `<` where `<=` might), those not tried yet; the ones that pass are added to
 * the alternatives. Returns how many passed.
 */
async function verifySamePlace(best: Candidate, singles: Candidate[], ctx: EngineContext): Promise<number> {
  const tried = new Set(ctx.search.tally.tried.map((v) => v.candidateId));
  let passed = 0;
  for (const candidate of singles.filter((c) => samePlace(c, best) && !tried.has(c.id)).slice(0, SAME_PLACE_BUDGET)) {
    if (ctx.signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled; nothing was changed.');
    ctx.counted();
    const found = await ctx.search.tryCandidate(candidate);
    if (found) passed++;
    ctx.alternatives.tried(found);
  }
  return passed;
}

/**
 * Verified edits of the same code as the chosen fix that behave differently from it on the probes
 * (or were not probed): the tests do not say what belongs there, so the fix, however well it
 * ranks, is a guess a person should check. An edit that behaves the same (`!=` for `!==` on
 * numbers) is the same fix in other words.
 */
function samePlaceAlternatives(choice: Choice): Plausible[] {
  const best = choice.best;
  // Those the ranking already could not tell apart are counted there (Choice.indistinct), not twice.
  return choice.ranked.filter(
    (p) =>
      p !== best &&
      !choice.indistinct.includes(p) &&
      samePlace(p.found.candidate, best.found.candidate) &&
      (p.results === undefined || p.results !== best.results),
  );
}

/** Try candidates in order until the first is verified, then a few more for alternatives (within their budget); how many were tried. */
async function tryAll(candidates: Candidate[], ctx: EngineContext): Promise<number> {
  const { alternatives, search } = ctx;
  let tried = 0;
  for (const candidate of alternatives.order(candidates)) {
    if (!alternatives.wanted) break;
    if (ctx.signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled; nothing was changed.');
    if (alternatives.skip(candidate)) continue;
    ctx.counted();
    tried++;
    alternatives.tried(await search.tryCandidate(candidate));
  }
  return tried;
}
