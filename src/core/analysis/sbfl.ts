/**
 * Spectrum-based fault localization (paper §4.2): run each failing test and the passing tests of
 * the same files alone, with coverage, and rank lines by Ochiai — ef / √((ef + nf)(ef + ep)) — so a
 * line run by every failing test and few passing ones comes first.
 *
 * Besides lines, branches: "a block here was skipped while the code around it ran" (V8's block
 * counters tell; Liblit et al.'s predicates, PLDI 2005). A fault of omission — a condition that
 * wrongly leaves a case out, a value dropped inside a loop every test runs — runs the same lines
 * in failing and passing tests; what differs is which way a branch went (node:test and mocha; the
 * coverage jest maps back has statements only).
 *
 * Combined with the stack frames, git recency (lines changed in the last 10 commits or not
 * committed yet) and, for ties, the failing tests' names (namedLike), the ranking is merged into
 * the localized locations that both engines read: line-level locations are added, and functions
 * the failing tests never ran are demoted (not dropped: coverage can miss code).
 *
 * Coverage per test: node:test and mocha run the code as it is on disk, so V8's own coverage
 * (NODE_V8_COVERAGE, block-precise) maps straight to lines; jest transforms the code first, so its
 * own V8 coverage provider maps it back (coverage-final.json). Vitest needs @vitest/coverage-v8,
 * which projects rarely have; there the stack and recency are the only signals.
 *
 * Cost: where our reporter splits coverage per test (mocha), every selected test runs in ONE run,
 * up to 150 whose baseline times add up to a quarter of the suite's; elsewhere each test is a run
 * of its own, up to 24, and those runs stop at a time budget derived from the suite's own time,
 * failing and passing tests taking turns so that a cut-short spectrum still has both. On a project whose runner takes seconds to start, a run per test made localization
 * cost more than the whole rest of a heal.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import type { Failure, Location, TestOutcome, TestRun } from '../model';
import type { Log, TestRunner } from '../ports';
import { statusMap } from '../verify/compare';
import { expandCommand, narrowCommand, shellQuote, type ExpandedCommand } from '../verify/testCommand';
import { runnerNamed } from '../runners';
import { mocha } from '../runners/mocha';
import { TEST_COVERAGE_DIR_ENV } from '../runners/reportersDir';
import { mochaJsonId } from '../signals/mocha';
import { ASSERTION_LINE_SCORE, definingTestFile, functionsIn, isTestFile } from './localize';
import { findWorkspace, throughWorkspaceLink, type Workspace } from '../runners/workspacePackages';

export interface SpectrumRequest {
  /** The sandbox: tests run here. */
  cwd: string;
  command: string;
  runner: TestRunner;
  baseline: TestRun;
  failures: Failure[];
  /** The localized locations (stack frames, imported functions) to merge the ranking into. */
  base: Location[];
  readText: (rel: string) => Promise<string | undefined>;
  timeoutMs: number;
  /** Tests run with coverage at most (failing and passing ones taking turns); by default 150 in one run, 24 in runs of their own. */
  maxTests?: number;
  /** When runs of one test each stop being started (default: twice the baseline's time, at least 10 s). */
  budgetMs?: number;
  signal?: AbortSignal;
  log?: Log;
}

export interface SpectrumResult {
  locations: Location[];
  /** Why no spectrum was used, when none was. */
  note?: string;
  runs: number;
  ms: number;
}

type Lines = Map<string, Set<number>>;
/** What one test ran: lines, and the lines where a block was skipped while the code around it ran. */
interface Coverage {
  lines: Lines;
  skips: Lines;
}
type V8Range = { startOffset: number; endOffset: number; count: number };
/** Base locations at least this sure (the function the failing assertion calls, the throwing frame) break Ochiai ties. */
const FOCUS_SCORE = ASSERTION_LINE_SCORE;
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_CODE = /^\s*(?:$|\/\/|\/?\*|[{}()[\];,\s]+$)/;

/** The names of a failure id after its file (for runners whose ids start with it): suites, then the test. */
export function testNames(failure: Pick<Failure, 'id' | 'file'>, runner?: string): string[] {
  const parts = failure.id.split(' > ');
  const startsWithFile = runner === undefined || runnerNamed(runner)?.idsStartWithFile !== false;
  if (startsWithFile && parts.length > 1 && parts[0] === failure.file) parts.shift();
  return parts;
}

/**
 * A name filter that selects exactly this test: jest matches it against suites and test joined by
 * spaces, vitest 5 joined by " > "; node:test 20 against the test's own name and later versions
 * against the full name, so for node the suites are optional.
 */
export function testNamePattern(runner: string, failure: Pick<Failure, 'id' | 'file'>): string {
  const names = testNames(failure, runner);
  if (runner === 'vitest') return `^${escapeRegex(names.join(' > '))}$`;
  if (runner === 'node') return `^(?:.* )?${escapeRegex(names[names.length - 1])}$`;
  return `^${escapeRegex(names.join(' '))}$`;
}

/** A name filter that selects exactly these tests (one run of several chosen tests). */
export function anyTestPattern(runner: string, failures: Array<Pick<Failure, 'id' | 'file'>>): string {
  return `^(?:${failures.map((f) => testNamePattern(runner, f).slice(1, -1)).join('|')})$`;
}

export const ochiai = (ef: number, ep: number, totalFailed: number): number => (ef === 0 ? 0 : ef / Math.sqrt(totalFailed * (ef + ep)));

/** The command that runs one test alone with coverage, or undefined for runners we cannot scope. */
function singleTestCommand(expanded: ExpandedCommand, files: string[], failure: Pick<Failure, 'id' | 'file'>, coverageDir: string): string | undefined {
  if (!expanded.simple) return undefined;
  const pattern = shellQuote(testNamePattern(expanded.runner, failure));
  switch (expanded.runner) {
    case 'node': {
      const flags = expanded.command
        .trim()
        .split(/\s+/)
        .filter((t, i) => i === 0 || t.startsWith('-'));
      return [...flags, `--test-name-pattern=${pattern}`, ...files.map(shellQuote)].join(' ');
    }
    case 'mocha':
      return [narrowCommand(expanded, files), ...mocha.nameFilter!(testNamePattern(expanded.runner, failure)).map(shellQuote)].join(' ');
    case 'jest':
      return `${narrowCommand(expanded, files)} -t ${pattern} --coverage --coverageProvider=v8 --coverageReporters=json --coverageDirectory=${shellQuote(coverageDir)}`;
    default:
      return undefined;
  }
}

/** Lines (0-based) V8 block coverage says ran: the innermost range around a character decides. */
export function v8Lines(text: string, ranges: Array<{ startOffset: number; endOffset: number; count: number }>): Set<number> {
  const counts = new Int32Array(text.length).fill(-1);
  for (const r of [...ranges].sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset)))
    counts.fill(r.count, Math.max(0, r.startOffset), Math.min(text.length, r.endOffset));
  const lines = new Set<number>();
  let start = 0;
  text.split('\n').forEach((line, i) => {
    if (!NOT_CODE.test(line)) {
      for (let c = start + line.search(/\S/); c < start + line.length; c++) {
        if (counts[c] > 0) {
          lines.add(i);
          break;
        }
      }
    }
    start += line.length + 1;
  });
  return lines;
}

/**
 * Lines (0-based) where a block was skipped at least once while the code around it ran: a block
 * range that counted fewer runs than its innermost enclosing range of the same function (an `if`
 * whose body did not always run, a loop entered fewer times than reached, code after an early
 * return). The range's first line is the branch; when that line is only punctuation (a block's
 * closing brace), the next line with code, which is what was skipped.
 */
export function v8Skips(text: string, functions: Array<{ ranges: V8Range[] }>): Set<number> {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineText = (line: number): string => text.slice(starts[line], line + 1 < starts.length ? starts[line + 1] - 1 : text.length);
  const skips = new Set<number>();
  for (const { ranges } of functions) {
    // V8 lists a function's own range first and omits blocks that ran as often as their parent.
    for (let i = 1; i < ranges.length; i++) {
      const r = ranges[i];
      let parent = ranges[0];
      for (let j = 1; j < ranges.length; j++) {
        const p = ranges[j];
        const encloses = j !== i && p.startOffset <= r.startOffset && r.endOffset <= p.endOffset && p.endOffset - p.startOffset > r.endOffset - r.startOffset;
        if (encloses && p.endOffset - p.startOffset < parent.endOffset - parent.startOffset) parent = p;
      }
      if (parent.count === 0 || r.count >= parent.count || r.startOffset >= text.length) continue;
      let line = lineAt(r.startOffset);
      while (line + 1 < starts.length && NOT_CODE.test(lineText(line))) line++;
      skips.add(line);
    }
  }
  return skips;
}

const projectFile = (rel: string): boolean => !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.includes('node_modules') && !isTestFile(rel);

/** Reads what coverage files say ran, from the files' paths, or every file in a folder. */
interface CoverageReader {
  files(files: string[]): Promise<Coverage>;
  folder(dir: string): Promise<Coverage>;
}

/**
 * One reader per spectrum: a spectrum reads a coverage file per test (up to 150), and the
 * workspace (package.json files up to the root) and each source file are the same for all of them.
 */
function coverageReader(root: string, runner: string, readText: SpectrumRequest['readText']): CoverageReader {
  // Files of other workspace packages count too, also when a runner names them by their node_modules link.
  const workspace = findWorkspace(root);
  const texts = new Map<string, Promise<string | undefined>>();
  const textOf = (rel: string): Promise<string | undefined> => {
    if (!texts.has(rel)) texts.set(rel, readText(rel));
    return texts.get(rel)!;
  };
  const reader: CoverageReader = {
    files: async (files) => readCoverageFiles(files, root, runner, await workspace, textOf),
    folder: async (dir) => {
      const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
      return reader.files(names.map((name) => path.join(dir, name)));
    },
  };
  return reader;
}

async function readCoverageFiles(
  files: string[],
  root: string,
  runner: string,
  workspace: Workspace,
  readText: SpectrumRequest['readText'],
): Promise<Coverage> {
  const lines: Lines = new Map();
  const skips: Lines = new Map();
  const relative = (abs: string): string => {
    const mapped = throughWorkspaceLink(workspace, path.relative(workspace.root, abs).split(path.sep).join('/'));
    return path.relative(root, path.join(workspace.root, mapped)).split(path.sep).join('/');
  };
  const add = (rel: string, set: Set<number>, into = lines): void => {
    const prior = into.get(rel) ?? new Set<number>();
    for (const l of set) prior.add(l);
    into.set(rel, prior);
  };
  for (const file of files) {
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    if (runner === 'jest') {
      for (const [abs, file] of Object.entries(
        data as Record<string, { statementMap: Record<string, { start: { line: number } }>; s: Record<string, number> }>,
      )) {
        const rel = relative(abs);
        if (!projectFile(rel) || !file.statementMap) continue;
        add(
          rel,
          new Set(
            Object.entries(file.s)
              .filter(([, n]) => n > 0)
              .map(([k]) => file.statementMap[k].start.line - 1),
          ),
        );
      }
      continue;
    }
    for (const script of (data.result as Array<{ url: string; functions: Array<{ ranges: V8Range[] }> }>) ?? []) {
      if (!script.url.startsWith('file://')) continue;
      const rel = relative(decodeURIComponent(new URL(script.url).pathname));
      if (!projectFile(rel)) continue;
      const text = await readText(rel);
      if (text === undefined || text.length >= 1_000_000) continue;
      add(
        rel,
        v8Lines(
          text,
          script.functions.flatMap((f) => f.ranges),
        ),
      );
      add(rel, v8Skips(text, script.functions), skips);
    }
  }
  return { lines, skips };
}

/**
 * Lines (per file, 0-based) changed in the last 10 commits or not committed at all, from `git
 * blame`. The root commit does not count: it adds the whole project, so in a young repository
 * (or a fresh clone of an import) every line would be "recent" and the signal would say nothing.
 */
export async function recentLines(cwd: string, files: string[]): Promise<Lines> {
  const out: Lines = new Map();
  try {
    const git = simpleGit({ baseDir: cwd, timeout: { block: 10_000 } });
    const recent = new Set((await git.raw(['rev-list', '-n', '10', '--min-parents=1', 'HEAD'])).split('\n').filter(Boolean));
    for (const file of files) {
      const set = new Set<number>();
      for (const m of (await git.raw(['blame', '--porcelain', '--', file])).matchAll(/^([0-9a-f]{40}) \d+ (\d+)/gm)) {
        if (recent.has(m[1]) || /^0+$/.test(m[1])) set.add(Number(m[2]) - 1);
      }
      out.set(file, set);
    }
  } catch {
    // No repository, no commit yet, or a file git does not track: recency adds nothing then.
  }
  return out;
}

function lineSpan(text: string, line: number): { start: number; end: number } {
  let start = 0;
  for (let i = 0; i < line && start >= 0; i++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  const body = text.slice(start, end < 0 ? text.length : end);
  return { start: start + body.search(/\S|$/), end: start + body.trimEnd().length };
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length - 1;

/**
 * Passing tests whose name is written, as a string, in one of the failing test files: without file
 * names in the ids, these are the ones that run in those files (the rest would each cost a run that
 * runs nothing). All of them when no name is found (names built at run time).
 */
async function namedIn(passing: string[], files: string[], readText: (rel: string) => Promise<string | undefined>): Promise<string[]> {
  const texts = (await Promise.all(files.map(readText))).filter((t): t is string => t !== undefined);
  return passing.filter((id) => {
    const name = id.split(' > ').at(-1)!;
    return texts.some((text) => ["'", '"', '`'].some((q) => text.includes(`${q}${name}${q}`)));
  });
}

const NAME_FILLER = new Set(['should', 'ok', 'the', 'an', 'to', 'be', 'is', 'it', 'when', 'with', 'and', 'of', 'for', 'in', 'on', 'works', 'test']);
const nameWords = (id: string): Set<string> =>
  new Set(
    id
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !NAME_FILLER.has(w)),
  );

/** Words of code: identifiers and paths split at camelCase too ("lib/v2/encoder.js", "_writeListBegin" → v2, encoder, write, list, begin). */
const CODE_FILLER = new Set(['lib', 'src', 'js', 'ts', 'mjs', 'cjs', 'jsx', 'tsx', 'index', 'dist', 'spec']);
const codeWords = (text: string): string[] => [...nameWords(text.replace(/([a-z0-9])([A-Z])/g, '$1 $2'))].filter((w) => !CODE_FILLER.has(w));
/** The same word, or one the stem of the other ("encode", "encoder"); short words must be equal. */
const sameWord = (a: string, b: string): boolean => a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a)));

/**
 * The words of the failing tests' names and files that a location's file path and function name
 * share: test-to-code traceability by naming convention (Van Rompaey and Demeyer, CSMR 2009). A
 * test named "v2 list encode" is about lib/v2/encoder.js's list writer more likely than about a
 * decoder it also runs. Used only to break Ochiai ties: a name is weak evidence, coverage is not.
 */
export function namedLike(failures: Array<Pick<Failure, 'id' | 'file'>>): (file: string, fn?: string) => string[] {
  const tested = [...new Set(failures.flatMap((f) => codeWords(`${f.file ?? ''} ${f.id}`)))];
  return (file, fn) => {
    const code = codeWords(`${file} ${fn ?? ''}`);
    return tested.filter((w) => code.some((c) => sameWord(w, c)));
  };
}

/**
 * Passing tests whose names share the most words with the failing tests' first: tests of the same
 * feature ("v2 list encode" beside "v2 list decode") run most of the same code, so the lines only
 * the failing tests run stand out. The order is otherwise the baseline's.
 */
export function byNameLikeness(passing: string[], failing: string[]): string[] {
  const wanted = new Set(failing.flatMap((id) => [...nameWords(id)]));
  const shared = (id: string): number => [...nameWords(id)].filter((w) => wanted.has(w)).length;
  return passing
    .map((id, i) => ({ id, i, n: shared(id) }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((t) => t.id);
}

type Selected = { id: string; failed: boolean };

/**
 * Passing tests, in their order, whose baseline times add up to a quarter of the suite's: a few
 * slow tests often take most of a suite's time, and a fast test contrasts as well as a slow one.
 * A test whose time the report does not give counts as the suite's average.
 */
export function withinTime(passing: string[], baseline: Pick<TestRun, 'outcomes' | 'ms'>): string[] {
  const ms = new Map(baseline.outcomes.map((o) => [o.id, o.ms]));
  const average = baseline.ms / Math.max(1, baseline.outcomes.length);
  let left = baseline.ms / 4;
  return passing.filter((id) => {
    const cost = ms.get(id) ?? average;
    if (cost > left) return false;
    left -= cost;
    return true;
  });
}

/** Tests (failing and passing taking turns) whose coverage one run splits per test, and runs of one test each. */
const ONE_RUN_MAX_TESTS = 150;
const RUN_BY_RUN_MAX_TESTS = 24;
type Spectra = { spectra: Array<{ failed: boolean } & Coverage>; runs: number };

/** a1, b1, a2, b2, …: a spectrum cut short by its budget still has failing and passing tests. */
function takingTurns<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...(i < a.length ? [a[i]] : []), ...(i < b.length ? [b[i]] : []));
  return out;
}

/** Whether a test did in this run what it did in the baseline (a test that changed says nothing about the baseline's fault). */
const sameAsBaseline = (test: Selected, status: string | undefined): boolean => status === (test.failed ? 'failed' : 'passed');

/**
 * Every selected test in one run, our reporter writing each test's coverage apart (runners with
 * perTestCoverage). Undefined when the run gave no per-test coverage at all (a Node without
 * the inspector, a setup that replaces the reporter): the caller falls back to a run per test.
 */
async function spectraInOneRun(
  request: SpectrumRequest,
  expanded: ExpandedCommand,
  coverage: CoverageReader,
  files: string[],
  selected: Selected[],
): Promise<Spectra | undefined> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-cov-'));
  try {
    const filter = runnerNamed(expanded.runner)?.nameFilter?.(
      anyTestPattern(
        expanded.runner,
        selected.map((t) => ({ id: t.id, file: files.find((f) => t.id.startsWith(`${f} > `)) })),
      ),
    );
    if (!filter) return undefined;
    await request.runner.run({
      cwd: request.cwd,
      command: [narrowCommand(expanded, files), ...filter.map(shellQuote)].join(' '),
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      env: { ...expanded.env, NODE_V8_COVERAGE: path.join(dir, 'raw'), [TEST_COVERAGE_DIR_ENV]: path.join(dir, 'tests') },
    });
    let index: Array<{ n: number; title: string; fullTitle: string; state?: string }>;
    try {
      index = JSON.parse(await fs.readFile(path.join(dir, 'tests', 'index.json'), 'utf8')) as typeof index;
    } catch {
      request.log?.debug('sbfl: the run gave no coverage per test; running the tests one by one');
      return undefined;
    }
    const spectra: Spectra['spectra'] = [];
    for (const test of selected) {
      const entry = index.find((e) => mochaJsonId(e.fullTitle, e.title) === test.id);
      if (!entry || !sameAsBaseline(test, entry.state)) continue;
      spectra.push({
        failed: test.failed,
        ...(await coverage.files([path.join(dir, 'tests', `${entry.n}.json`)])),
      });
    }
    return { spectra, runs: 1 };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Each selected test in a run of its own, until the time budget is spent. */
async function spectraRunByRun(
  request: SpectrumRequest,
  expanded: ExpandedCommand,
  coverage: CoverageReader,
  files: string[],
  selected: Selected[],
  started: number,
): Promise<Spectra> {
  const budgetMs = request.budgetMs ?? Math.max(10_000, 2 * request.baseline.ms);
  const spectra: Spectra['spectra'] = [];
  let runs = 0;
  for (const test of selected) {
    if (request.signal?.aborted) break;
    if (runs > 0 && Date.now() - started > budgetMs) {
      request.log?.debug(`sbfl: stopped after ${runs} run(s), at the ${Math.round(budgetMs / 1000)} s budget`);
      break;
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-cov-'));
    try {
      const command = singleTestCommand(expanded, files, { id: test.id, file: files.find((f) => test.id.startsWith(`${f} > `)) }, dir);
      if (!command) break;
      runs++;
      const run = await request.runner.run({
        cwd: request.cwd,
        command,
        timeoutMs: request.timeoutMs,
        signal: request.signal,
        env: { ...expanded.env, NODE_V8_COVERAGE: dir },
      });
      // Keep the run only if the test ran alone and did what it did in the baseline.
      const status = statusMap(run).get(test.id) ?? (run.failures.some((f) => f.id === test.id) ? 'failed' : undefined);
      if (!sameAsBaseline(test, status)) continue;
      spectra.push({ failed: test.failed, ...(await coverage.folder(dir)) });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return { spectra, runs };
}

/** Line locations kept: the best lines, and past them the best line of each further function. */
const KEPT = { lines: 25, functions: 25 };

/**
 * The lines to keep, best first: the first 25, then one line for each further function, up to 25
 * functions. Lines tied with the best are common (every line of a function only the failing tests
 * run), and a cut by lines alone let a few long functions push every other function the failing
 * tests run out of the ranking, down among the functions that are only imported.
 */
export function keptLines(lines: Location[]): Location[] {
  const functions = new Set<string>();
  return lines.filter((l, i) => {
    const key = `${l.file}\0${l.function ?? l.line}`;
    if (i >= KEPT.lines && (functions.has(key) || functions.size >= KEPT.functions)) return false;
    functions.add(key);
    return true;
  });
}

export async function spectrumLocations(request: SpectrumRequest): Promise<SpectrumResult> {
  const started = Date.now();
  const done = (locations: Location[], runs: number, note?: string): SpectrumResult => ({
    locations: [...locations].sort((a, b) => b.score - a.score),
    note,
    runs,
    ms: Date.now() - started,
  });
  const expanded = await expandCommand(request.cwd, request.command);
  const failing = request.failures.filter((f) => f.file && !f.id.startsWith('command: ') && f.id !== f.file);
  const files = [...new Set(failing.map((f) => f.file!))];
  // One suspicious function and nothing else: there is nothing to rank, so spare the runs.
  if (new Set(request.base.map((l) => `${l.file}:${l.start}:${l.end}`)).size === 1) return done(request.base, 0, 'one suspicious function: nothing to rank');
  if (failing.length === 0 || !['node', 'mocha', 'jest'].includes(expanded.runner) || !expanded.simple) {
    return done(
      request.base,
      0,
      failing.length === 0 ? 'no failing test to run alone' : `per-test coverage is not supported for this test command (${expanded.runner})`,
    );
  }
  // Passing tests of the same files: by the file in their id (node, jest), by the file the
  // runner's report gives (mocha through our reporter), else any, and then those whose names the
  // failing tests' specs spell out. One that is not in these files runs nothing and is dropped below.
  const fileNamed = request.baseline.outcomes.some((o) => files.some((f) => o.id.startsWith(`${f} > `)));
  const inFiles = (o: TestOutcome): boolean => (fileNamed ? files.some((f) => o.id.startsWith(`${f} > `)) : o.file === undefined || files.includes(o.file));
  const allPassing = request.baseline.outcomes.filter((o) => o.status === 'passed' && !failing.some((f) => f.id === o.id));
  let passing = [...new Set(allPassing.filter(inFiles).map((o) => o.id))];
  // The files the runs load: the failing tests' own, unless the passing tests to contrast them with are elsewhere.
  let runFiles = files;
  if (!fileNamed) {
    // Where the runner's file is an entry that requires every spec, the names are in the specs that define the failing tests.
    const defining = await Promise.all(failing.map(async (f) => (await definingTestFile(request.cwd, f, request.readText)) ?? f.file!));
    const named = await namedIn(passing, [...new Set(defining)], request.readText);
    const filesKnown = passing.length > 0 && allPassing.every((o) => o.file !== undefined);
    if (named.length > 0) passing = named;
    else if (!filesKnown) passing = [];
  }
  if (passing.length === 0) {
    // A spec with no other passing test (one test per file, or all of it failing): the contrast
    // comes from the other specs, so the runs load every file and the name filter picks the tests.
    passing = [...new Set(allPassing.map((o) => o.id))];
    runFiles = [];
  }
  passing = byNameLikeness(
    passing,
    failing.map((f) => f.id),
  );
  // One run with coverage split per test costs about one run of the tests it selects, so it can
  // afford the contrast of many passing tests; a run per test pays the runner's start-up each time.
  const perTest = runnerNamed(expanded.runner)?.perTestCoverage === true;
  const selection = (max: number, candidates = passing): Selected[] =>
    takingTurns(
      failing.map((f) => ({ id: f.id, failed: true })),
      candidates.map((id) => ({ id, failed: false })),
    ).slice(0, max);
  const coverage = coverageReader(request.cwd, expanded.runner, request.readText);
  const oneRun = perTest
    ? await spectraInOneRun(request, expanded, coverage, runFiles, selection(request.maxTests ?? ONE_RUN_MAX_TESTS, withinTime(passing, request.baseline)))
    : undefined;
  const { spectra, runs } =
    oneRun ?? (await spectraRunByRun(request, expanded, coverage, runFiles, selection(request.maxTests ?? RUN_BY_RUN_MAX_TESTS), started));
  const totalFailed = spectra.filter((s) => s.failed).length;
  if (totalFailed === 0) return done(request.base, runs, 'no failing test could be run alone with coverage');
  request.log?.debug(`sbfl: ${oneRun ? 'one run, coverage split per test' : `${runs} run(s), one test each`}`);

  const countsOf = (kind: keyof Coverage): Map<string, { ef: number; ep: number }> => {
    const counts = new Map<string, { ef: number; ep: number }>();
    for (const s of spectra) {
      for (const [file, lines] of s[kind]) {
        for (const line of lines) {
          const c = counts.get(`${file}:${line}`) ?? { ef: 0, ep: 0 };
          if (s.failed) c.ef++;
          else c.ep++;
          counts.set(`${file}:${line}`, c);
        }
      }
    }
    return counts;
  };
  const counts = countsOf('lines');
  const skipCounts = countsOf('skips');
  const totalPassed = spectra.length - totalFailed;
  // A line every test runs (module-level code, usually) tells failing from passing tests apart
  // no better than chance: it keeps its Ochiai score but gets no location of its own.
  const informative = (c: { ef: number; ep: number }): boolean => c.ef > 0 && !(totalPassed > 0 && c.ep === totalPassed && c.ef === totalFailed);
  const seenLines = new Set<string>();
  const suspicious = (
    [
      ['lines', counts],
      ['skips', skipCounts],
    ] as const
  )
    .flatMap(([kind, byLine]) =>
      [...byLine]
        .filter(([, c]) => informative(c))
        .map(([key, c]) => ({
          kind,
          key,
          file: key.slice(0, key.lastIndexOf(':')),
          line: Number(key.slice(key.lastIndexOf(':') + 1)),
          ...c,
          score: ochiai(c.ef, c.ep, totalFailed),
        })),
    )
    .sort((a, b) => b.score - a.score)
    // A line that is suspicious both as run and as a branch stands once, for its better reason.
    .filter((l) => !seenLines.has(l.key) && seenLines.add(l.key));
  const best = Math.max(...suspicious.map((l) => l.score));
  const frames = new Set(
    request.failures
      .flatMap((f) => f.stack)
      .filter((s) => projectFile(s.file))
      .map((s) => `${s.file}:${s.line - 1}`),
  );
  const recent = await recentLines(request.cwd, [...new Set(suspicious.map((l) => l.file))]);

  const focus = request.base.filter((b) => b.score >= FOCUS_SCORE);
  const inFocus = (file: string, line: number, text: string): boolean =>
    focus.some((b) => b.file === file && lineOf(text, b.start) <= line && line <= lineOf(text, b.end));
  const lineLocations: Location[] = [];
  const likeness = new Map<Location, number>();
  const wordsShared = namedLike(request.failures);
  const spans = new Map<string, Awaited<ReturnType<typeof functionsIn>>>();
  for (const l of suspicious) {
    const text = await request.readText(l.file);
    if (text === undefined) continue;
    // A function's first line "runs" whenever the function is called: that is the imported-function
    // prior's business, and as a line it would stand for the whole function.
    if (!spans.has(l.file)) spans.set(l.file, await functionsIn(l.file, text));
    const around = spans.get(l.file)!.filter((f) => f.line <= l.line && l.line <= f.endLine);
    if (around.some((f) => f.line === l.line && f.endLine > f.line)) continue;
    const onStack = frames.has(`${l.file}:${l.line}`);
    // Inside the function the failing assertion calls (or a throwing frame's function): as good a tie-break as the stack.
    const focused = !onStack && inFocus(l.file, l.line, text);
    const isRecent = recent.get(l.file)?.has(l.line) ?? false;
    // Above the imported-function prior (0.6), up to a stack frame's 1.0: Ochiai leads, the stack and recency break ties.
    // Without a passing test there is no contrast (every line the failing tests run scores 1):
    // then Ochiai adds nothing, and the stack, the tested function and recency alone order lines.
    const ochiaiPart = totalPassed > 0 ? 0.7 * (l.score / best) : 0;
    const score = 0.6 + 0.4 * (ochiaiPart + 0.2 * (onStack || focused ? 1 : 0) + 0.1 * (isRecent ? 1 : 0));
    const fn = around.sort((a, b) => b.start - a.start).find((f) => f.name)?.name;
    const named = wordsShared(l.file, fn);
    const evidence = l.kind === 'lines' ? 'run by' : 'a block here skipped in';
    const why = `Ochiai ${l.score.toFixed(2)}: ${evidence} ${l.ef}/${totalFailed} failing and ${l.ep}/${totalPassed} passing tests${onStack ? '; on the stack' : focused ? '; in the function the failing test checks' : ''}${isRecent ? '; changed in the last 10 commits' : ''}${named.length > 0 ? `; named like the failing test (${named.join(', ')})` : ''}`;
    const location: Location = { file: l.file, ...lineSpan(text, l.line), line: l.line, score, why, function: fn };
    lineLocations.push(location);
    likeness.set(location, named.length);
  }
  lineLocations.sort((a, b) => b.score - a.score || likeness.get(b)! - likeness.get(a)!);

  const ranFailing = new Set([...counts].filter(([, c]) => c.ef > 0).map(([key]) => key));
  const covered = new Set(spectra.flatMap((s) => [...s.lines.keys()]));
  const adjusted: Location[] = [];
  for (const loc of request.base) {
    const text = covered.has(loc.file) ? await request.readText(loc.file) : undefined;
    if (text === undefined) {
      adjusted.push(loc);
      continue;
    }
    const [from, to] = [lineOf(text, loc.start), lineOf(text, loc.end)];
    let ran = false;
    for (let line = from; line <= to && !ran; line++) ran = ranFailing.has(`${loc.file}:${line}`);
    adjusted.push(ran ? loc : { ...loc, score: loc.score * 0.5, why: `${loc.why}; not run by the failing tests` });
  }
  request.log?.debug(
    `sbfl: ${spectra.length} test(s) with coverage (${totalFailed} failing) in ${Date.now() - started} ms; top: ${lineLocations
      .slice(0, 3)
      .map((l) => `${l.file}:${l.line + 1} ${l.why}`)
      .join(' | ')}`,
  );
  return done([...keptLines(lineLocations), ...adjusted], runs);
}
