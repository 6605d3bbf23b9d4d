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
    let tried = await tryAll(await parseable(singles, files, budget), ctx);
    if (alternatives.plausible.length === 0 && tried < budget && search.tally.promising.length > 0) {
      // Guided pairs: a second edit on top of a single that already made some assertions pass.
      const parents = search.tally.promising.sort((a, b) => b.fitness - a.fitness).slice(0, 8).map((p) => p.candidate);
      const pairs = await pairCandidates(parents, singles, files, Math.min(MUTATION_BUDGET.pairs, budget - tried));
      ctx.log.debug(`trying ${pairs.length} two-edit candidate(s) built on ${parents.length} promising edit(s)`);
      tried += await tryAll(pairs, ctx);
    }
    const choice = await chooseAmong(alternatives, { cwd: ctx.sandbox.cwd, testFiles: testFilesOf(failures), failingNames: failures.map((f) => f.name), readText: (rel) => ctx.sandbox.read(rel), signal: ctx.signal, log: ctx.log });
    return { found: choice?.best.found, files, choice };
  },
};

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
