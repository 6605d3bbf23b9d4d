/**
 * Synthetic bugs: Stryker's mutators (@stryker-mutator/instrumenter) applied to the benchmark's
 * small library, one mutant at a time. Only mutants the library's own tests detect (the test run
 * fails, within a time limit) become cases: a mutant the tests miss is not a failing test to heal,
 * and one that hangs is a baseline timeout, not a repair problem.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pool } from '../pool';
import { createWorkspace, readTree } from '../workspace';

export interface Mutant {
  id: string;
  mutator: string;
  /** 1-based line, for people. */
  line: number;
  replacement: string;
  text: string;
}

const quiet = (): void => undefined;
const logger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  fatal: quiet,
};

function offsetOf(text: string, position: { line: number; column: number }): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
  return offset + position.column;
}

/** Every mutant Stryker generates for `text` (its positions are 0-based lines and columns). */
export async function strykerMutants(file: string, text: string): Promise<Mutant[]> {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter');
  const result = await new Instrumenter(logger).instrument([{ name: file, content: text, mutate: true }], {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
    noHeader: true,
  } as never);
  return result.mutants.map((m) => {
    const start = offsetOf(text, m.location.start);
    const end = offsetOf(text, m.location.end);
    return {
      id: m.id,
      mutator: m.mutatorName,
      line: m.location.start.line + 1,
      replacement: m.replacement,
      text: text.slice(0, start) + m.replacement + text.slice(end),
    };
  });
}

function testsFail(cwd: string, timeoutMs: number): Promise<'fail' | 'pass' | 'hang'> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) =>
    execFile('node', ['--test'], { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', env }, (error) => {
      if (!error) resolve('pass');
      else resolve(error.killed ? 'hang' : 'fail');
    }),
  );
}

/** Round-robin over mutators, so a sample keeps every kind of bug. */
function stratified(mutants: Mutant[], cap: number): Mutant[] {
  const byMutator = new Map<string, Mutant[]>();
  for (const m of mutants) byMutator.set(m.mutator, [...(byMutator.get(m.mutator) ?? []), m]);
  const out: Mutant[] = [];
  for (let i = 0; out.length < cap && [...byMutator.values()].some((list) => i < list.length); i++) {
    for (const list of byMutator.values()) if (i < list.length && out.length < cap) out.push(list[i]);
  }
  return out;
}

/**
 * Detected mutants of `target` in the library at `libDir`, at most `cap`, cached in `cacheFile`
 * (keyed by a hash of the library), since screening them costs one test run each.
 */
export async function detectedMutants(libDir: string, target: string, cap: number, cacheFile: string): Promise<Mutant[]> {
  const files = await readTree(libDir);
  const key = createHash('sha256').update(JSON.stringify(files)).update(String(cap)).digest('hex');
  const cached = await fs.readFile(cacheFile, 'utf8').then(
    (t) => JSON.parse(t) as { key: string; mutants: Mutant[] },
    () => undefined,
  );
  if (cached?.key === key) return cached.mutants;
  const all = await strykerMutants(target, files[target]);
  const workspace = await createWorkspace('synthetic-screen', files);
  const verdicts: string[] = [];
  try {
    // One workspace per parallel slot would be faster; two copies are not worth the complexity here.
    await pool(all, 1, async (m, i) => {
      await fs.writeFile(path.join(workspace.dir, target), m.text);
      verdicts[i] = await testsFail(workspace.dir, 5000);
    });
  } finally {
    await workspace.dispose();
  }
  const mutants = stratified(
    all.filter((_, i) => verdicts[i] === 'fail'),
    cap,
  );
  await fs.mkdir(path.dirname(cacheFile), { recursive: true });
  await fs.writeFile(
    cacheFile,
    JSON.stringify(
      { key, total: all.length, survived: verdicts.filter((v) => v === 'pass').length, hung: verdicts.filter((v) => v === 'hang').length, mutants },
      null,
      2,
    ),
  );
  return mutants;
}
