/**
 * The core's heavy half (src/core/pipeline.ts: the heal, the ledger, parsing, processes, the LLM
 * client), loaded on first use. esbuild turns this dynamic import into a lazily evaluated module
 * inside the one bundle, so activation pays only for parsing the file, not for running the
 * pipeline's module code (activation goal ≤ 100 ms, issue 4; the `openai` package alone takes
 * longer to load than that). The light half, src/core/api.ts, is imported directly.
 */
export const loadPipeline = () => import('../core/pipeline');
