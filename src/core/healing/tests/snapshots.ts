/**
 * Outdated snapshots (paper §5.4): the new snapshot is written by the runner's own mechanism
 * (jest/vitest `-u`, node:test `--test-update-snapshots`), scoped to the one failing test with a
 * name filter — never "update all" — inside the sandbox. What changed is turned into a candidate
 * whose edits are just the changed snapshot entries, and the snapshot files are restored at once:
 * the candidate goes through the same verification as any other, and the user accepts each
 * snapshot on its own, with its diff in front of them.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Candidate, Failure, TextEdit } from '../../model';
import type { Log } from '../../ports';
import { testNamePattern, testNames } from '../../analysis/sbfl';
import { runProcess } from '../../verify/process';
import { runnerNamed } from '../../runners';
import { expandCommand, narrowCommand, shellQuote, type ExpandedCommand } from '../../verify/testCommand';

export interface SnapshotContext {
  cwd: string;
  command: string;
  timeoutMs: number;
  signal?: AbortSignal;
  log: Log;
}

export interface SnapshotResult {
  candidates: Candidate[];
  notes: string[];
  runs: number;
}

const SNAPSHOT_FILE = /\.(snap|snapshot)$/;
/** The runner's own "update this test's snapshots" command, or why there is none. */
export function updateCommand(
  runnerCommand: ExpandedCommand,
  file: string,
  failure: Pick<Failure, 'id' | 'file'>,
  reportFile: string,
): string | { unsupported: string } {
  if (!runnerCommand.simple)
    return { unsupported: `the test command (${runnerCommand.command}) is not a single runner call, so the update cannot be scoped to one test` };
  const pattern = shellQuote(testNamePattern(runnerCommand.runner, failure));
  const narrowed = narrowCommand(runnerCommand, [file]);
  // The update flag is the runner registry's knowledge (src/core/runners).
  const update = runnerNamed(runnerCommand.runner)?.snapshotUpdateFlag;
  switch (runnerCommand.runner) {
    case 'jest':
      return `${narrowed} ${update} -t ${pattern}`;
    case 'vitest':
      // The JSON reporter: vitest 5's default one crashes on Node 20 (see test/fixtures/runners/README.md).
      return `${narrowed} --run ${update} -t ${pattern} --reporter=json --outputFile=${shellQuote(reportFile)}`;
    case 'node': {
      // node:test snapshots (t.assert.snapshot) and their update flag exist from Node 22.3.
      const tokens = runnerCommand.command
        .trim()
        .split(/\s+/)
        .filter((t, i) => i === 0 || t.startsWith('-'));
      return [...tokens, update, `--test-name-pattern=${pattern}`, shellQuote(file)].join(' ');
    }
    default:
      return { unsupported: `Self-Heal does not know how ${runnerCommand.runner} updates one test's snapshots` };
  }
}

/** `exports[\`name 1\`] = \`…\`;` entries (jest, vitest and node:test all write this shape). */
export function snapshotEntries(text: string): Map<string, { start: number; end: number; value: string }> {
  const out = new Map<string, { start: number; end: number; value: string }>();
  const re = /^exports\[`((?:[^`\\]|\\[\s\S])*)`\] = (`(?:[^`\\]|\\[\s\S])*`|[^;\n]*);$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].indexOf(' = ') + 3;
    out.set(m[1], { start, end: start + m[2].length, value: m[2] });
  }
  return out;
}

/** The smallest edits that turn `before` into `after`: one per changed or added snapshot entry. */
export function snapshotEdits(file: string, before: string, after: string): { edits: TextEdit[]; names: string[] } {
  const old = snapshotEntries(before);
  const now = snapshotEntries(after);
  if (old.size === 0 || now.size === 0) return { edits: [{ file, start: 0, end: before.length, newText: after }], names: [] };
  const edits: TextEdit[] = [];
  const names: string[] = [];
  for (const [name, entry] of now) {
    const prior = old.get(name);
    if (prior?.value === entry.value) continue;
    names.push(name);
    if (prior) edits.push({ file, start: prior.start, end: prior.end, newText: entry.value });
    else
      edits.push({
        file,
        start: before.length,
        end: before.length,
        newText: `${before.endsWith('\n') ? '\n' : '\n\n'}exports[\`${name}\`] = ${entry.value};\n`,
      });
  }
  return { edits, names };
}

/** Snapshot files next to a test file: jest's and vitest's `__snapshots__/*.snap`, node:test's `*.snapshot`. */
async function snapshotFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const d of [dir, path.join(dir, '__snapshots__')]) {
    for (const entry of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (entry.isFile() && SNAPSHOT_FILE.test(entry.name)) out.set(path.join(d, entry.name), await fs.readFile(path.join(d, entry.name), 'utf8'));
    }
  }
  return out;
}

/** One candidate per failing snapshot test, made by the runner's own update, scoped to that test. */
export async function snapshotCandidates(failures: Failure[], ctx: SnapshotContext): Promise<SnapshotResult> {
  const result: SnapshotResult = { candidates: [], notes: [], runs: 0 };
  const expanded = await expandCommand(ctx.cwd, ctx.command);
  for (const failure of failures) {
    if (!failure.file) continue;
    const reportFile = path.join(os.tmpdir(), `self-heal-snap-${process.pid}-${Date.now()}.json`);
    const command = updateCommand(expanded, failure.file, failure, reportFile);
    if (typeof command !== 'string') {
      result.notes.push(`${failure.name}: ${command.unsupported}.`);
      continue;
    }
    const dir = path.dirname(path.join(ctx.cwd, failure.file));
    const before = await snapshotFiles(dir);
    ctx.log.debug(`snapshot: ${command}`);
    result.runs++;
    const run = await runProcess({
      command,
      cwd: ctx.cwd,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', NODE_ENV: 'test', ...expanded.env },
    });
    await fs.rm(reportFile, { force: true });
    const after = await snapshotFiles(dir);
    // Put everything back at once: the candidate, not this run, is what gets verified.
    for (const [file, text] of before) if (after.get(file) !== text) await fs.writeFile(file, text);
    for (const file of after.keys()) if (!before.has(file)) await fs.rm(file, { force: true });
    const edits: TextEdit[] = [];
    const names: string[] = [];
    for (const [abs, text] of after) {
      const original = before.get(abs);
      if (original === text) continue;
      const rel = path.relative(ctx.cwd, abs).split(path.sep).join('/');
      const made = snapshotEdits(rel, original ?? '', text);
      edits.push(...made.edits);
      names.push(...made.names);
    }
    if (edits.length === 0) {
      result.notes.push(
        `${failure.name}: \`${command}\` changed no snapshot file${run.timedOut ? ' (it timed out)' : run.exitCode !== 0 ? `: ${run.output.trim().split('\n').slice(-3).join(' ').slice(0, 300)}` : ''}.`,
      );
      continue;
    }
    const shown = names.length ? names.map((n) => `"${n}"`).join(', ') : `in ${edits[0].file}`;
    result.candidates.push({
      id: `t-snapshot-${result.candidates.length + 1}`,
      engine: 'test',
      operator: 'snapshot-update',
      summary: `Accept the new snapshot ${shown} (${expanded.runner}'s own update, scoped to "${testNames(failure).join(' > ')}")`,
      edits,
      cost: 1,
      editsTests: true,
      labels: ['test edit', 'snapshot update'],
    });
  }
  return result;
}
