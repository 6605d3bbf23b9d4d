/**
 * The core, loaded on first use. esbuild turns these dynamic imports into lazily evaluated
 * modules inside the one bundle, so activation pays only for parsing the file, not for running
 * the pipeline's module code (activation goal ≤ 100 ms, issue 4).
 */
export const loadHeal = () => import('../core/heal');
/** The workspace's `.self-heal/ledger.jsonl`, shared with the CLI, and the move of the old per-editor ledger into it. */
export const loadLedger = () => import('../core/record/ledgerLocation');
export const loadSignals = () => import('../core/signals/index');
export const loadAnsi = () => import('../core/signals/ansi');
export const loadTreeSitter = () => import('../core/analysis/treeSitter');
export const loadProcess = () => import('../core/verify/process');
/** `selfHeal.llm.*` and the OpenAI-compatible client: the `openai` package alone takes longer to load than activation may. */
export const loadLlm = () => import('../core/healing/llm/settings');
/** recordDecision and the rest of the feedback loop (paper §5.2). */
export const loadDecisions = () => import('../core/record/decisions');
/** Applying, reverting, and recording heals undone or redone outside Self-Heal. */
export const loadApply = () => import('../core/record/apply');
