/**
 * Fault localization, first version (paper §4.2): rank the functions most likely to hold the bug.
 * 1. Stack frames inside the project, outside tests and node_modules: the function that threw,
 *    then its callers.
 * 2. Functions that the failing tests call, found through the test file's imports, resolved the
 *    way Node and TypeScript resolve them (moduleGraph.ts: package roots, `main`/`exports`, tsconfig
 *    paths, workspace packages), and then the modules those import, ranked lower with each step.
 * Never parses the whole repository — only the files the stack and the test imports lead to.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Failure, Location } from '../model';
import { walk, withTree, type Node } from './treeSitter';
import { FUNCTION_TYPES } from './scope';
import { createResolver, reachableModules } from './moduleGraph';
import { throughWorkspaceLink, type Workspace } from '../runners/workspacePackages';

export function isTestFile(rel: string): boolean {
  return /(^|\/)(__tests__|test|tests|spec)\//.test(rel) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(rel);
}

/** The test files the failures are in, each once. */
export function testFilesOf(failures: Pick<Failure, 'file'>[]): string[] {
  return [...new Set(failures.map((f) => f.file).filter((f): f is string => !!f && isTestFile(f)))];
}

/** The title as a test's source writes it: a string literal in any quote. */
function definesTitle(text: string, title: string): boolean {
  return ["'", '"', '`'].some((q) => text.includes(`${q}${title}${q}`));
}

/** How many of a spec's suite titles (`describe('Post', …)`) the failure's id holds: it tells apart specs that share a test title. */
function suiteTitlesIn(text: string, id: string): number {
  return [...text.matchAll(/\b(?:describe|context|suite)\s*\(\s*(['"`])(.+?)\1/g)].filter((m) => id.includes(m[2])).length;
}

/** Test files read at most while looking through an entry spec's requires: a large suite's specs, not the whole repository. */
const MAX_SPECS = 400;

/**
 * The file that defines a failing test, when the runner names another one. The general pattern:
 * an entry spec that loads the other specs itself (`mocha test/index.js`, whose
 * `describe('App', () => { require('./scripts/models'); … })` requires the real specs); the runner
 * names the file it was given for every test inside it, so `Failure.file` is the entry.
 *
 * The entry stays the file to RUN (a narrowed run must give the baseline's ids, and the entry often
 * sets up what the specs rely on); the file to READ for localization is the spec that holds the
 * test, whose imports lead to the code under test where the entry's lead only to more specs. That
 * is the runner's own file when its text has the test's title, else a test file on the failure's
 * stack that has it, else one the entry requires (breadth first, test files only). Undefined when
 * none has it (a title built at run time): the caller keeps the runner's file.
 */
export async function definingTestFile(
  root: string,
  failure: Pick<Failure, 'id' | 'file' | 'name' | 'stack'>,
  readText: (rel: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  const entry = failure.file;
  if (!entry || path.isAbsolute(entry) || entry.startsWith('..') || !failure.name) return undefined;
  const entryText = await readText(entry);
  if (entryText === undefined || definesTitle(entryText, failure.name)) return undefined;
  // The test's own frame (an assertion that threw in it) says where it is without a search.
  for (const rel of new Set(failure.stack.map((f) => f.file))) {
    if (rel === entry || path.isAbsolute(rel) || rel.startsWith('..') || !isTestFile(rel)) continue;
    const text = await readText(rel);
    if (text !== undefined && definesTitle(text, failure.name)) return rel;
  }
  const seen = new Set([entry]);
  const queue: Array<{ rel: string; text: string }> = [{ rel: entry, text: entryText }];
  const defining: Array<{ rel: string; suites: number }> = [];
  while (queue.length > 0 && seen.size < MAX_SPECS) {
    const { rel: from, text: fromText } = queue.shift()!;
    for (const specifier of importSpecifiers(fromText)) {
      const abs = await resolveImport(path.join(root, from), specifier);
      const rel = abs && path.relative(root, abs).split(path.sep).join('/');
      if (!rel || rel.startsWith('..') || seen.has(rel) || !isTestFile(rel)) continue;
      seen.add(rel);
      const text = await readText(rel);
      if (text === undefined) continue;
      if (definesTitle(text, failure.name)) defining.push({ rel, suites: suiteTitlesIn(text, failure.id) });
      queue.push({ rel, text });
    }
  }
  // Titles like "default" recur across specs: the one whose suites the id names is the test's.
  return defining.sort((a, b) => b.suites - a.suites)[0]?.rel;
}

const SOURCE_EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.tsx', '.jsx', '.mts', '.cts'];

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Resolve a relative import specifier the way Node and bundlers do, including `.js` → `.ts`. */
export async function resolveImport(fromFile: string, specifier: string): Promise<string | undefined> {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stem = base.replace(/\.[cm]?js$/, '');
  const tries = [base, ...SOURCE_EXTENSIONS.map((e) => stem + e), ...SOURCE_EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  for (const t of tries) if (await exists(t)) return t;
  return undefined;
}

export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:require\(\s*|import\s*\(\s*|from\s+|import\s+)(['"])(\.[^'"]+)\1/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[2]);
  return out;
}

function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator' || parent?.type === 'pair' || parent?.type === 'assignment_expression') {
    return (parent.childForFieldName('name') ?? parent.childForFieldName('key') ?? parent.childForFieldName('left'))?.text.split('.').pop();
  }
  return undefined;
}

interface FunctionSpan {
  name?: string;
  start: number;
  end: number;
  line: number;
  endLine: number;
}

/** Outermost-first list of function spans in a file. */
export async function functionsIn(file: string, text: string): Promise<FunctionSpan[]> {
  const spans = await withTree(file, text, (tree) =>
    [...walk(tree.rootNode)]
      .filter((n) => FUNCTION_TYPES.has(n.type))
      .map((n) => ({ name: functionName(n), start: n.startIndex, end: n.endIndex, line: n.startPosition.row, endLine: n.endPosition.row })),
  );
  return spans ?? [];
}

/** The innermost function containing a 0-based line, or the whole file when the line is at module level. */
function innermostAt(spans: FunctionSpan[], line: number): FunctionSpan | undefined {
  return spans.filter((s) => s.line <= line && line <= s.endLine).sort((a, b) => b.start - a.start)[0];
}

/** The score of the function the failing assertion's line calls: below the throwing frame (1.0), above other callees (0.6). */
export const ASSERTION_LINE_SCORE = 0.8;

/** Names called in `text` (`name(`), the way a test calls the code under test. */
function callees(text: string): Set<string> {
  return new Set([...text.matchAll(/([A-Za-z_$][\w$]*)\s*\(/g)].map((m) => m[1]));
}

/** Names the test binds to a whole module: `const m = require('./m')`, `import * as m from '@scope/m'`, `import m from '..'`. */
function moduleBindings(text: string): Map<string, string> {
  const bindings = new Map<string, string>();
  const re = /(?:(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*|import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from\s+)(['"])([^'"]+)\3/g;
  for (const m of text.matchAll(re)) bindings.set(m[1] ?? m[2], m[4]);
  return bindings;
}

/** The function a module exports as itself (`module.exports = createApp`, `export default function f`): a test calls it by its binding's name. */
function defaultExportName(text: string): string | undefined {
  return /(?:^|\n)\s*module\.exports\s*=\s*(?:(?:async\s+)?function\s*\*?\s*)?([A-Za-z_$][\w$]*)|(?:^|\n)\s*export\s+default\s+(?:(?:async\s+)?function\s*\*?\s*)?([A-Za-z_$][\w$]*)/
    .exec(text)
    ?.slice(1)
    .find(Boolean);
}

/**
 * The functions called on the failing assertion's line: `m.f(` through a module binding names f
 * in that module only (tests of many modules often call the same name on each); any other call
 * names the function wherever the test's imports define it.
 */
function assertionCalls(text: string, bindings: Map<string, string>): { anywhere: Set<string>; inModule: Map<string, Set<string>> } {
  const anywhere = new Set<string>();
  const inModule = new Map<string, Set<string>>();
  for (const m of text.matchAll(/(?:([A-Za-z_$][\w$]*)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*\(/g)) {
    const specifier = m[1] === undefined ? undefined : bindings.get(m[1]);
    if (specifier) inModule.set(specifier, (inModule.get(specifier) ?? new Set()).add(m[2]));
    else anywhere.add(m[2]);
  }
  return { anywhere, inModule };
}

/**
 * Transitive modules rank below the test's own imports, and the further away the weaker the prior:
 * a function the test names comes first, then one its importer calls, then the rest.
 */
function transitiveScore(depth: number, evidence: 'named' | 'called by importer' | 'none'): number {
  return { named: 0.5, 'called by importer': 0.35, none: 0.2 }[evidence] * 0.8 ** (depth - 2);
}

/** Every identifier-like word in the test file (calls, properties like `req.protocol`, words in test titles). */
const wordsOf = (text: string): Set<string> => new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);

export async function localize(root: string, failures: Failure[], readText: (rel: string) => Promise<string | undefined>): Promise<Location[]> {
  const found = new Map<string, Location>();
  const add = (loc: Location): void => {
    const key = `${loc.file}:${loc.start}:${loc.end}`;
    const prior = found.get(key);
    if (!prior || prior.score < loc.score) found.set(key, loc);
  };
  const cache = new Map<string, { text: string; spans: FunctionSpan[] } | undefined>();
  const load = async (rel: string): Promise<{ text: string; spans: FunctionSpan[] } | undefined> => {
    if (!cache.has(rel)) {
      const text = await readText(rel);
      cache.set(rel, text === undefined ? undefined : { text, spans: await functionsIn(rel, text) });
    }
    return cache.get(rel);
  };
  // Specs read while looking for a test's own file, once per localization (failures share an entry).
  const texts = new Map<string, Promise<string | undefined>>();
  const readOnce = (rel: string): Promise<string | undefined> => {
    if (!texts.has(rel)) texts.set(rel, readText(rel));
    return texts.get(rel)!;
  };
  const resolver = await createResolver(root);
  // Failures of one test file reach the same modules: walk the graph once per file.
  const graphs = new Map<string, ReturnType<typeof reachableModules>>();
  const reachedFrom = (testFile: string): ReturnType<typeof reachableModules> => {
    if (!graphs.has(testFile))
      graphs.set(
        testFile,
        reachableModules(resolver, root, testFile, async (rel) => (await load(rel))?.text),
      );
    return graphs.get(testFile)!;
  };
  // A frame through a package manager's link (node_modules/@acme/text/…) is the workspace package's own file.
  const projectPath = (file: string): string => (file.includes('node_modules') && !path.isAbsolute(file) ? toProjectRel(root, resolver.workspace, file) : file);

  for (const failure of failures) {
    // 1. Project frames outside tests: the throwing function first, then its callers.
    const frames = failure.stack
      .map((f) => ({ ...f, file: projectPath(f.file) }))
      .filter((f) => !path.isAbsolute(f.file) && !f.file.startsWith('..') && !f.file.includes('node_modules') && !isTestFile(f.file));
    for (const [depth, frame] of frames.entries()) {
      const file = await load(frame.file);
      if (!file) continue;
      const span = innermostAt(file.spans, frame.line - 1);
      const score = 1 / (1 + depth * 0.5);
      if (span)
        add({
          file: frame.file,
          start: span.start,
          end: span.end,
          line: frame.line - 1,
          score,
          why: `stack frame ${depth + 1} (${frame.file}:${frame.line})`,
          function: span.name,
        });
      else
        add({ file: frame.file, start: 0, end: file.text.length, line: frame.line - 1, score: score * 0.8, why: `stack frame ${depth + 1} at module level` });
    }
    // 2. Functions the failing test calls, through the test file's imports and theirs.
    const testFile = (await definingTestFile(root, failure, readOnce)) ?? failure.file ?? failure.stack.find((f) => isTestFile(f.file))?.file;
    if (!testFile || path.isAbsolute(testFile) || testFile.startsWith('..')) continue;
    const test = await load(testFile);
    if (!test) continue;
    const called = callees(test.text);
    const mentioned = wordsOf(`${test.text}\n${failure.name}`);
    // The failing assertion's own line (the test file's stack frame) names the function that
    // returned the wrong value: in a test that checks many functions, that one comes first.
    const lines = test.text.split('\n');
    const assertionLines = [...new Set(failure.stack.filter((f) => f.file === testFile).map((f) => f.line - 1))];
    const bindings = moduleBindings(test.text);
    const onAssertion = assertionCalls(assertionLines.map((n) => lines[n] ?? '').join('\n'), bindings);
    // Specifiers whose binding the test calls as a function (`const web = require('..'); web()`).
    const calledModules = new Set([...bindings].filter(([name]) => called.has(name)).map(([, specifier]) => specifier));
    for (const module of await reachedFrom(testFile)) {
      const { rel, depth, specifier } = module;
      const source = (await load(rel))!;
      const outermost = source.spans.filter((s) => !source.spans.some((o) => o !== s && o.start <= s.start && s.end <= o.end));
      const calledAsModule = specifier !== undefined && calledModules.has(specifier) ? defaultExportName(source.text) : undefined;
      for (const span of outermost) {
        const at = { file: rel, start: span.start, end: span.end, line: span.line, function: span.name };
        const named = span.name !== undefined;
        const onLine = named && (onAssertion.anywhere.has(span.name!) || (specifier !== undefined && onAssertion.inModule.get(specifier)?.has(span.name!)));
        if (onLine)
          add({
            ...at,
            score: depth === 1 ? ASSERTION_LINE_SCORE : transitiveScore(depth, 'named') + 0.05,
            why: `called on the failing assertion line (${span.name})`,
          });
        else if (depth === 1) {
          const isCalled = named && (called.has(span.name!) || span.name === calledAsModule);
          add({ ...at, score: isCalled ? 0.6 : 0.25, why: isCalled ? `called by the failing test (${span.name})` : `in a module the test imports (${rel})` });
        } else {
          const isMentioned = named && mentioned.has(span.name!);
          const importer = module.via === undefined ? undefined : await load(module.via);
          const calledByImporter = named && !isMentioned && importer !== undefined && callees(importer.text).has(span.name!);
          const why = isMentioned ? `named by the failing test (${span.name}), ` : calledByImporter ? `called by ${module.via} (${span.name}), ` : '';
          add({
            ...at,
            score: transitiveScore(depth, isMentioned ? 'named' : calledByImporter ? 'called by importer' : 'none'),
            why: `${why}in ${rel}, which the test reaches through ${depth - 1} other module(s)`,
          });
        }
      }
      if (outermost.length === 0 && depth === 1 && !module.reexportOnly)
        add({ file: rel, start: 0, end: source.text.length, line: 0, score: 0.3, why: `module imported by the failing test` });
    }
  }
  return [...found.values()].sort((a, b) => b.score - a.score);
}

/** `node_modules/<workspace package>/rest` as the package's own file, relative to `root`. */
function toProjectRel(root: string, workspace: Workspace, file: string): string {
  const viaRoot = path.relative(workspace.root, path.join(root, file)).split(path.sep).join('/');
  const mapped = throughWorkspaceLink(workspace, viaRoot);
  return mapped === viaRoot ? file : path.relative(root, path.join(workspace.root, mapped)).split(path.sep).join('/');
}
