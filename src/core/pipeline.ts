/**
 * The other half of the core's public surface (api.ts has the light half): the heal itself and
 * what writes, runs or parses. Hosts import the core only through api.ts, pipeline.ts, model.ts
 * and ports.ts (the lint enforces it), so what the core keeps inside can move without them
 * noticing. One door is exempt: the editor's lazy loaders (src/extension/core.ts) load these
 * modules part by part, each only when its caller needs it, because its activation must not run
 * the pipeline's module code (tree-sitter, the sandbox, the OpenAI client).
 */
export { applyFix, DEFAULTS, firstDifference, healWorkspace, newId, revertHeal, unifiedDiff } from './heal';
export { recordOutsideChanges, recoverInterruptedChange } from './record/apply';
export { JsonlLedger, workspaceLedgerPath } from './record/ledger';
export { ensureSelfHealFolder, moveOldLedger, WorkspaceLedger } from './record/ledgerLocation';
export { decidedHeals, decisionStats, recordDecision } from './record/decisions';
export { detectRunner, parseTestOutput } from './signals/index';
export { stripAnsi } from './signals/ansi';
export { initTreeSitter } from './analysis/treeSitter';
export { runProcess } from './verify/process';
export { hostPlatform } from './verify/platform';
export { SANDBOX_PREFIX } from './verify/sandbox';
export { isAlive } from './verify/processAlive';
export { llmFromSettings, type LlmChoice } from './healing/llm/settings';
