/**
 * "Localized": a function the reference fix changes is among the top suspects of Self-Heal's
 * diagnosis (HealOutcome.diagnosis.locations, one per function as `suspects` lists them), and
 * the buggy lines the fix replaces are inside the prompt the LLM engine would send for that
 * diagnosis. The prompt is built with the engine's own code (gatherContext + buildPrompt) and
 * never sent.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { HealOutcome } from '../../src/core/api';
import { gatherContext } from '../../src/core/healing/llm/context';
import { buildPrompt, DEFAULT_TOKEN_BUDGET } from '../../src/core/healing/llm/engine';
import { CHARS_PER_TOKEN } from '../../src/core/healing/llm/context';
import { Privacy } from '../../src/core/healing/llm/privacy';
import { loadPrompts } from '../../src/core/healing/llm/prompts';
import { silentLog } from '../../src/core/ports';
import { onePerFunction } from '../../src/core/analysis/suspects';
import { buggyBlocks, type ChangedFunction, type ReferenceFix } from './fix';

export const TOP_SUSPECTS = 5;

export interface Localization {
  localized: boolean;
  /** Rank (1-based) of the first suspect inside a function the fix changes, over all healed groups. */
  rank?: number;
  /** That function, as `file:name`. */
  found?: string;
  /** The buggy lines of a changed hunk appear in the prompt the model would get. */
  inPrompt: boolean;
  /** The top suspects, for the report: `file:line (why)`. */
  top: string[];
}

function inside(location: { file: string; start: number; end: number }, fn: ChangedFunction): boolean {
  return location.file === fn.file && fn.start <= location.start && location.end <= fn.end;
}

/** The user prompt the LLM engine would send first for this outcome, read from the buggy workspace. */
export async function promptFor(outcome: HealOutcome, root: string): Promise<string> {
  const readText = (rel: string): Promise<string | undefined> => fs.readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  const files = [];
  for (const file of new Set(outcome.diagnosis.locations.map((l) => l.file))) {
    const text = await readText(file);
    if (text !== undefined) files.push({ file, text });
  }
  const context = await gatherContext({
    failures: outcome.failures,
    diagnosis: outcome.diagnosis,
    files,
    root,
    pastHeals: [],
    privacy: Privacy.create(root),
    readText,
    log: silentLog,
  });
  return buildPrompt(await loadPrompts(), context, undefined, DEFAULT_TOKEN_BUDGET * CHARS_PER_TOKEN).user;
}

export async function localization(outcomes: HealOutcome[], fix: ReferenceFix, root: string): Promise<Localization> {
  const result: Localization = { localized: false, inPrompt: false, top: [] };
  for (const outcome of outcomes) {
    // The suspects as users read them (--json, the hover): one per function.
    const top = onePerFunction(outcome.diagnosis.locations).slice(0, TOP_SUSPECTS);
    result.top.push(...top.map((l) => `${l.file}:${l.line} (${l.why})`));
    const rank = top.findIndex((l) => fix.changedFunctions.some((fn) => inside(l, fn)));
    if (rank === -1) continue;
    const fn = fix.changedFunctions.find((f) => inside(top[rank], f))!;
    if (result.rank === undefined || rank + 1 < result.rank) {
      result.rank = rank + 1;
      result.found = `${fn.file}:${fn.name ?? `<anonymous at line ${fn.startLine}>`}`;
    }
    const prompt = await promptFor(outcome, root);
    result.inPrompt ||= fix.files.some((f) => buggyBlocks(f).some((block) => block.trim() !== '' && prompt.includes(block)));
  }
  result.localized = result.rank !== undefined && result.inPrompt;
  return result;
}
