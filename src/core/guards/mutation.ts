/**
 * The mutation guard (paper §5.4): a verified fix is only as good as the tests that verified it.
 * Stryker's mutators (@stryker-mutator/instrumenter) mutate the lines the fix changed, and the
 * relevant tests run against each mutant in the sandbox. If no mutant is killed, the tests would
 * have passed with other code there too, and the fix is labelled "weakly tested". Mutants that
 * restore the original text are skipped: verification already showed the tests reject those.
 *
 * The instrumenter is loaded on first use, never at activation. It is ESM-only and resolves Babel
 * presets by path at load time, so it cannot live inside the CJS bundles: esbuild.js builds it
 * into a bundle of its own, dist/instrumenter.mjs, which the VSIX and the npm package ship next to
 * extension.js and cli.js. Run from source (tests), it comes from node_modules. Where neither is
 * there the guard says so and labels nothing.
 */
import { structuredPatch } from 'diff';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GuardReport, TestRun } from '../model';
import type { Log, TestRunner } from '../ports';
import { statusMap } from '../verify/compare';
import type { Sandbox } from '../verify/sandbox';

import { WEAKLY_TESTED } from '../labels';

export { WEAKLY_TESTED };

export interface MutationGuardInput {
  sandbox: Sandbox;
  runner: TestRunner;
  command: string;
  /** The verified fix: each edited file before and after (workspace-relative). */
  before: Record<string, string>;
  after: Record<string, string>;
  /** The verification run of the fix: which tests pass with it. */
  fixRun: TestRun;
  /** Test files to run against each mutant (the targeted tests' files); empty: the whole suite. */
  testFiles: string[];
  timeoutMs: number;
  /** Mutants run at most; the guard stops at the first one killed. */
  maxMutants?: number;
  signal?: AbortSignal;
  log?: Log;
}

interface Mutant {
  file: string;
  mutator: string;
  text: string;
  replacement: string;
  line: number;
}

type Instrumenter = {
  instrument(
    files: Array<{ name: string; content: string; mutate: unknown }>,
    options: unknown,
  ): Promise<{
    mutants: Array<{ mutatorName: string; replacement: string; location: { start: { line: number; column: number }; end: { line: number; column: number } } }>;
  }>;
};

const INSTRUMENTER = '@stryker-mutator/instrumenter';
let loaded: Promise<Instrumenter> | undefined;

/** The bundled instrumenter next to this bundle, else the package (a variable specifier keeps esbuild from inlining it). */
function instrumenterSpecifier(): string {
  const bundled = path.join(__dirname, 'instrumenter.mjs');
  return fs.existsSync(bundled) ? pathToFileURL(bundled).href : INSTRUMENTER;
}

function instrumenter(): Promise<Instrumenter> {
  loaded ??= (import(instrumenterSpecifier()) as Promise<{ Instrumenter: new (logger: unknown) => Instrumenter }>).then((m) => {
    const quiet = (): boolean => false;
    const nothing = (): void => undefined;
    return new m.Instrumenter({
      isTraceEnabled: quiet,
      isDebugEnabled: quiet,
      isInfoEnabled: quiet,
      isWarnEnabled: quiet,
      isErrorEnabled: quiet,
      isFatalEnabled: quiet,
      trace: nothing,
      debug: nothing,
      info: nothing,
      warn: nothing,
      error: nothing,
      fatal: nothing,
    });
  });
  return loaded;
}

/** 0-based lines of `after` that the fix added or changed. */
export function changedLines(file: string, before: string, after: string): number[] {
  const lines: number[] = [];
  for (const hunk of structuredPatch(file, file, before, after, undefined, undefined, { context: 0 }).hunks) {
    let line = hunk.newStart - 1;
    for (const l of hunk.lines) {
      if (l.startsWith('+')) lines.push(line);
      if (!l.startsWith('-')) line++;
    }
  }
  return lines;
}

function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at + column;
}

/** Stryker's mutants on the changed lines, as whole-file texts, without the ones that undo the fix. */
export async function mutantsOnChangedLines(
  sandboxCwd: string,
  before: Record<string, string>,
  after: Record<string, string>,
): Promise<{ mutants: Mutant[]; undoing: number }> {
  const make = await instrumenter();
  const out: Mutant[] = [];
  let undoing = 0;
  const seen = new Set<string>();
  for (const [file, text] of Object.entries(after)) {
    const lines = changedLines(file, before[file] ?? '', text);
    if (lines.length === 0) continue;
    const split = text.split('\n');
    const mutate = lines.map((l) => ({ start: { line: l, column: 0 }, end: { line: l, column: split[l]?.length ?? 0 } }));
    // An absolute name: Babel looks for config files relative to it, and the sandbox has the user's.
    const result = await make.instrument([{ name: path.join(sandboxCwd, file), content: text, mutate }], {
      plugins: null,
      excludedMutations: [],
      ignorers: [],
      noHeader: true,
    });
    for (const m of result.mutants) {
      const start = offsetOf(text, m.location.start.line, m.location.start.column);
      const end = offsetOf(text, m.location.end.line, m.location.end.column);
      const mutated = text.slice(0, start) + m.replacement + text.slice(end);
      if (mutated === before[file]) undoing++;
      if (mutated === before[file] || mutated === text || seen.has(`${file}\0${mutated}`)) continue;
      seen.add(`${file}\0${mutated}`);
      out.push({ file, mutator: m.mutatorName, text: mutated, replacement: m.replacement, line: m.location.start.line });
    }
  }
  return { mutants: out, undoing };
}

/** Mutate the fix's changed lines and run the relevant tests on each mutant until one is killed. */
export async function mutationGuard(input: MutationGuardInput): Promise<GuardReport> {
  const started = Date.now();
  const report = (findings: string[], mutants?: GuardReport['mutants'], label?: string): GuardReport => {
    input.log?.debug(`mutation guard (${Date.now() - started} ms): ${findings.join('; ')}`);
    return { guard: 'mutation', label, findings, mutants, ms: Date.now() - started };
  };
  let mutants: Mutant[];
  let undoing = 0;
  try {
    ({ mutants, undoing } = await mutantsOnChangedLines(input.sandbox.cwd, input.before, input.after));
  } catch (error) {
    input.log?.debug(`mutation guard: ${(error as Error).stack ?? error}`);
    return report([
      `mutation guard not run: ${INSTRUMENTER} could not be loaded or could not parse the fixed file (${(error as Error).message.split('\n')[0]})`,
    ]);
  }
  if (mutants.length === 0) {
    // A mutant that restores the original text was run already: it is the baseline, which the
    // failing tests rejected. With nothing else to try, that is the guard's answer.
    if (undoing > 0)
      return report(
        [
          `the only mutant${undoing > 1 ? 's' : ''} of the changed lines undo${undoing > 1 ? '' : 'es'} the fix; the baseline run, where the targeted tests fail, killed ${undoing > 1 ? 'them' : 'it'}`,
        ],
        { total: undoing, ran: undoing, killed: undoing },
      );
    return report(['no mutant can be made on the changed lines, so the guard could not check them']);
  }
  const passing = [...statusMap(input.fixRun)].filter(([, s]) => s === 'passed').map(([id]) => id);
  const limit = input.maxMutants ?? 12;
  let ran = 0;
  for (const mutant of mutants.slice(0, limit)) {
    if (input.signal?.aborted) break;
    try {
      for (const [file, text] of Object.entries(input.after)) await input.sandbox.write(file, file === mutant.file ? mutant.text : text);
      const run = await input.runner.run({
        cwd: input.sandbox.cwd,
        command: input.command,
        files: input.testFiles.length ? input.testFiles : undefined,
        timeoutMs: input.timeoutMs,
        signal: input.signal,
      });
      ran++;
      const now = statusMap(run);
      const ranHere = passing.filter((id) => now.has(id) || input.testFiles.length === 0);
      const broken = ranHere.filter((id) => now.get(id) !== 'passed');
      const killed = run.timedOut || broken.length > 0 || (ranHere.length === 0 && (run.exitCode ?? 1) !== 0);
      if (killed) {
        const by = run.timedOut ? 'a timeout' : broken.length ? broken.slice(0, 2).join(', ') : 'the test command';
        return report(
          [
            `killed: ${mutant.mutator} at ${mutant.file}:${mutant.line + 1} (→ ${mutant.replacement.split('\n')[0].slice(0, 60)}) fails ${by}; ${ran} of ${mutants.length} mutant(s) run`,
          ],
          { total: mutants.length, ran, killed: 1 },
        );
      }
    } finally {
      await input.sandbox.reset();
    }
  }
  const tried = mutants.slice(0, ran).map((m) => `${m.mutator} → ${m.replacement.split('\n')[0].slice(0, 40)}`);
  return report(
    [`no mutant of the changed lines was killed (${ran} run: ${tried.join('; ')}): the tests would pass with other code there, so they barely pin this fix`],
    { total: mutants.length, ran, killed: 0 },
    ran > 0 ? WEAKLY_TESTED : undefined,
  );
}
