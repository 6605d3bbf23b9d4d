/**
 * One measurement, in a process of its own so that its memory peak is its own:
 *   node --import tsx bench/scale/measure.ts parts REPO OUT.json   sandbox and diagnosis timings
 *   node --import tsx bench/scale/measure.ts heal  REPO OUT.json   one whole heal: time and memory peak
 * The core runs in-process here exactly as in the extension host and the CLI; test runs are
 * child processes in both, so this process's peak RSS is what a heal adds to its host.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFiles } from '../../src/cli/adapters/files';
import { classify } from '../../src/core/analysis/classify';
import { isTestFile, localize } from '../../src/core/analysis/localize';
import { initTreeSitter } from '../../src/core/analysis/treeSitter';
import { gatherContext } from '../../src/core/healing/llm/context';
import { hintsFrom, parseable, rankedSingles, singleCandidates, type SourceFile } from '../../src/core/healing/mutation/engine';
import { Privacy } from '../../src/core/healing/llm/privacy';
import { DEFAULTS, healWorkspace } from '../../src/core/heal';
import { silentLog } from '../../src/core/ports';
import { createSandbox } from '../../src/core/verify/sandbox';
import { ProcessTestRunner } from '../../src/core/verify/testRunner';

export interface PartsResult {
  treeSitterInitMs: number;
  sandbox: { coldCreateMs: number; createMs: number[]; disposeMs: number[]; dirtyCreateMs: number; dirtyFiles: number; candidateWriteResetMs: number[] };
  /** Plain git, for comparison: what the sandbox's steps cost, and two alternatives. */
  git: { worktreeAddMs: number; worktreeAddTmpfsMs?: number; cloneSharedMs: number; warmResyncMs: number };
  diagnosis: { ms: number[]; localizeMs: number[]; contextMs: number[]; filesParsed: number; locations: number; contextChars: number; failure: string };
  /** The offline engine's candidate list for the same diagnosis (generated whole, then cut to the budget). */
  /** `ms`: what a heal pays (rank every edit, parse-check up to the budget); `allCheckedMs`: parse-checking every edit, as before issue 9. */
  candidates: { ms: number; count: number; budget: number; rankMs: number; allCheckedMs: number };
}

export interface HealResult {
  ms: number;
  sandboxMs: number;
  baselineMs: number;
  healed: boolean;
  candidatesTried: number;
  testRuns: number;
  peakRssMb: number;
  peakHeapMb: number;
}

const time = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const started = performance.now();
  const value = await work();
  return [performance.now() - started, value];
};

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.invalid',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    },
  });
}

async function sandboxParts(repo: string, bugFile: string): Promise<PartsResult['sandbox']> {
  // The first sandbox of a session reads the repository from disk; the ones after find it in the page cache.
  const [coldCreateMs, first] = await time(() => createSandbox({ root: repo, log: silentLog }));
  await first.dispose();
  const createMs: number[] = [];
  const disposeMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [ms, sandbox] = await time(() => createSandbox({ root: repo, log: silentLog }));
    createMs.push(ms);
    disposeMs.push((await time(() => sandbox.dispose()))[0]);
  }
  // Between candidates the sandbox is reused: write the candidate, run, reset.
  const sandbox = await createSandbox({ root: repo, log: silentLog });
  const original = (await sandbox.read(bugFile)) ?? '';
  const candidateWriteResetMs: number[] = [];
  for (let i = 0; i < 30; i++) {
    const [ms] = await time(async () => {
      await sandbox.write(bugFile, original.replace('i < b', i % 2 ? 'i <= b' : 'i < b + 1'));
      await sandbox.reset();
    });
    candidateWriteResetMs.push(ms);
  }
  await sandbox.dispose();
  // A working tree with uncommitted work: 1% of the files modified and as many untracked.
  const tracked = git(repo, ['ls-files', 'src']).trim().split('\n');
  const dirty = tracked.filter((_, i) => i % 100 === 0);
  for (const rel of dirty) fs.appendFileSync(path.join(repo, rel), '// uncommitted\n');
  for (const [i, rel] of dirty.entries()) fs.writeFileSync(path.join(repo, path.dirname(rel), `new${i}.js`), 'module.exports = 1;\n');
  const [dirtyCreateMs, dirtySandbox] = await time(() => createSandbox({ root: repo, log: silentLog }));
  await dirtySandbox.dispose();
  git(repo, ['checkout', '-q', '--', '.']);
  git(repo, ['clean', '-fdq']);
  return { coldCreateMs, createMs, disposeMs, dirtyCreateMs, dirtyFiles: dirty.length * 2, candidateWriteResetMs };
}

async function gitParts(repo: string): Promise<PartsResult['git']> {
  const tmp = fs.realpathSync(os.tmpdir());
  const worktree = path.join(tmp, `scale-bench-wt-${process.pid}`);
  const [worktreeAddMs] = await time(async () => git(repo, ['worktree', 'add', '--detach', '--quiet', worktree, 'HEAD']));
  // Warm re-sync: an existing sandbox brought back to HEAD touches only what differs.
  fs.appendFileSync(path.join(worktree, 'package.json'), '\n');
  const [warmResyncMs] = await time(async () => {
    git(worktree, ['checkout', '--detach', '--force', '--quiet', 'HEAD']);
    git(worktree, ['clean', '-fdq', '-e', 'node_modules']);
  });
  git(repo, ['worktree', 'remove', '--force', worktree]);
  // The same checkout into memory (tmpfs): what the sandbox would cost there instead of on disk.
  let worktreeAddTmpfsMs: number | undefined;
  if (fs.existsSync('/dev/shm') && fs.statfsSync('/dev/shm').bavail * fs.statfsSync('/dev/shm').bsize > 1024 ** 3) {
    const inMemory = path.join('/dev/shm', `scale-bench-wt-${process.pid}`);
    [worktreeAddTmpfsMs] = await time(async () => git(repo, ['worktree', 'add', '--detach', '--quiet', inMemory, 'HEAD']));
    git(repo, ['worktree', 'remove', '--force', inMemory]);
  }
  // A clone that shares the objects but not the refs or config (tests that run git cannot touch the user's repository).
  const clone = path.join(tmp, `scale-bench-clone-${process.pid}`);
  const head = git(repo, ['rev-parse', 'HEAD']).trim();
  const [cloneSharedMs] = await time(async () => {
    git(tmp, ['clone', '--shared', '--no-checkout', '--quiet', repo, clone]);
    git(clone, ['checkout', '--detach', '--quiet', head]);
  });
  fs.rmSync(clone, { recursive: true, force: true });
  return { worktreeAddMs, worktreeAddTmpfsMs, cloneSharedMs, warmResyncMs };
}

async function diagnosisParts(repo: string, testFile: string): Promise<Pick<PartsResult, 'diagnosis' | 'candidates'>> {
  // The signal: the failing test file's real run (not timed: it is the input of the diagnosis).
  const run = await new ProcessTestRunner().run({ cwd: repo, command: 'npm test', files: [testFile], timeoutMs: 120_000 });
  const failures = run.failures;
  if (failures.length === 0) throw new Error(`the injected bug did not fail ${testFile}:\n${run.output.slice(-2000)}`);
  const readText = (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(repo, rel), 'utf8').catch(() => undefined);
  const ms: number[] = [];
  const localizeMs: number[] = [];
  const contextMs: number[] = [];
  let filesParsed = 0;
  let locations = 0;
  let contextChars = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const [lms, found] = await time(() => localize(repo, failures, readText));
    const code = found.filter((l) => !isTestFile(l.file));
    const classification = classify(failures, run.output);
    const files: SourceFile[] = [];
    for (const file of new Set(code.map((l) => l.file))) files.push({ file, text: (await readText(file))! });
    const diagnosis = { failures, class: classification.class, evidence: classification.evidence, locations: code };
    const [cms, context] = await time(() =>
      gatherContext({ failures, diagnosis, files, root: repo, pastHeals: [], privacy: Privacy.create(repo), readText, log: silentLog }),
    );
    ms.push(performance.now() - started);
    localizeMs.push(lms);
    contextMs.push(cms);
    filesParsed = new Set(found.map((l) => l.file)).size + 1; // + the test file itself
    locations = found.length;
    contextChars = context.pieces.reduce((n, p) => n + p.text.length, 0);
  }
  const found = (await localize(repo, failures, readText)).filter((l) => !isTestFile(l.file));
  const sources: SourceFile[] = [];
  for (const file of new Set(found.map((l) => l.file))) sources.push({ file, text: (await readText(file))! });
  const [rankMs, ranked] = await time(() => rankedSingles(found, sources, hintsFrom(failures)));
  const [checkMs] = await time(() => parseable(ranked, sources, DEFAULTS.maxCandidates));
  const [allCheckedMs] = await time(() => singleCandidates(found, sources, hintsFrom(failures)));
  return {
    diagnosis: { ms, localizeMs, contextMs, filesParsed, locations, contextChars, failure: failures[0].name },
    candidates: { ms: rankMs + checkMs, count: ranked.length, budget: DEFAULTS.maxCandidates, rankMs, allCheckedMs },
  };
}

async function heal(repo: string): Promise<HealResult> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const report = await healWorkspace({ files: new DiskFiles(repo), testTimeoutMs: 600_000, log: silentLog });
  clearInterval(sampler);
  sample();
  const outcome = report.heals[0];
  return {
    ms: report.ms,
    sandboxMs: report.sandboxMs,
    baselineMs: report.baseline.run.ms,
    healed: !!outcome?.fix,
    candidatesTried: outcome?.candidatesTried ?? 0,
    testRuns: outcome?.testRuns ?? 0,
    peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const [mode, repo, out, bugFile, testFile] = process.argv.slice(2);
  let result: unknown;
  if (mode === 'heal') {
    await initTreeSitter();
    result = await heal(repo);
  } else {
    const [treeSitterInitMs] = await time(() => initTreeSitter());
    result = {
      treeSitterInitMs,
      sandbox: await sandboxParts(repo, bugFile),
      git: await gitParts(repo),
      ...(await diagnosisParts(repo, testFile)),
    } satisfies PartsResult;
  }
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
