/**
 * The project's module graph, as Node, TypeScript and bundlers see it: which local files a test
 * reaches through its imports, directly and transitively. Real projects rarely import the code
 * under test by a plain relative path: express's tests `require('../')` (the package root, whose
 * package.json `main` leads to lib/express.js, which requires lib/request.js); TypeScript ESM
 * writes `./x.js` for x.ts; tsconfig `paths` map `@/x`; a monorepo imports a sibling package by
 * name. Only project files are followed — never node_modules, never a file outside the root.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { walk, withTree, type Node } from './treeSitter';
import { findWorkspace, readJsonFile, type Workspace } from '../runners/workspacePackages';

const SOURCE_EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.tsx', '.jsx', '.mts', '.cts'];
/** Conditions tried in `exports`, most source-like first: a fix belongs in the source, not a build. */
const CONDITIONS = ['source', 'development', 'node', 'require', 'import', 'module', 'default'];
/** Folders a package's `main` commonly points into when the real source lives in src/. */
const BUILD_FOLDERS = new Set(['dist', 'build', 'out', 'lib', 'esm', 'cjs', 'es']);

const isSource = (file: string): boolean => SOURCE_EXTENSIONS.includes(path.extname(file)) && !file.endsWith('.d.ts');
const toPosix = (p: string): string => p.split(path.sep).join('/');

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The import and require specifiers in a source file: static and dynamic imports, re-exports, require(). */
export async function moduleSpecifiers(file: string, text: string): Promise<string[]> {
  const found = await withTree(file, text, (tree) => {
    const out: string[] = [];
    for (const node of walk(tree.rootNode)) {
      if (node.type === 'import_statement' || node.type === 'export_statement') {
        const source = node.childForFieldName('source');
        if (source) out.push(stringValue(source) ?? '');
      } else if (node.type === 'call_expression') {
        const callee = node.childForFieldName('function');
        const first = node.childForFieldName('arguments')?.namedChildren[0];
        if (first && (callee?.type === 'import' || (callee?.type === 'identifier' && callee.text === 'require'))) out.push(stringValue(first) ?? '');
      }
    }
    return out.filter(Boolean);
  });
  return [...new Set(found ?? [])];
}

/** A string literal's value, or a template literal's when it has no substitutions. */
function stringValue(node: Node): string | undefined {
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type === 'template_string' && !node.namedChildren.some((c) => c?.type === 'template_substitution')) return node.text.slice(1, -1);
  return undefined;
}

interface PathMapping {
  /** Folder the targets are relative to (baseUrl, else the tsconfig's folder). */
  base: string;
  paths: Array<{ pattern: string; targets: string[] }>;
}

export interface ModuleResolver {
  /** The absolute project file `specifier` means when imported from `fromFile` (absolute), if it is one. */
  resolve(fromFile: string, specifier: string): Promise<string | undefined>;
  workspace: Workspace;
}

/** A resolver for files under `root`, with the workspace's packages and each folder's tsconfig paths. */
export async function createResolver(root: string): Promise<ModuleResolver> {
  const workspace = await findWorkspace(root);
  const tsconfigs = new Map<string, Promise<PathMapping | undefined>>();
  const inProject = (abs: string): boolean => !path.relative(workspace.root, abs).startsWith('..') && !abs.split(path.sep).includes('node_modules');

  async function resolveFile(base: string): Promise<string | undefined> {
    if (isSource(base) && (await isFile(base))) return base;
    // ESM TypeScript imports `./x.js` for x.ts (and .mjs for .mts, .cjs for .cts).
    const swapped = /\.([cm]?)js(x?)$/.exec(base);
    if (swapped) {
      const stem = base.slice(0, swapped.index);
      for (const ext of [`.${swapped[1]}ts${swapped[2]}`, `.${swapped[1]}tsx`]) if (await isFile(stem + ext)) return stem + ext;
    }
    for (const ext of SOURCE_EXTENSIONS) if (await isFile(base + ext)) return base + ext;
    return undefined;
  }

  /** A folder as a module: its package.json entry (exports, source, main, module), else its index file. */
  async function resolveDirectory(dir: string, subpath = '.'): Promise<string | undefined> {
    const pkg = await readJsonFile(path.join(dir, 'package.json'));
    const entries = pkg ? [exportTarget(pkg.exports, subpath), ...(subpath === '.' ? [pkg.source, pkg.main, pkg.module] : [subpath])] : [subpath];
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const target = path.resolve(dir, entry);
      const found =
        (await sourceOfBuild(dir, entry)) ?? (await resolveFile(target)) ?? (target !== dir && (await isDirectory(target)) ? await indexOf(target) : undefined);
      if (found) return found;
    }
    return subpath === '.' ? ((await indexOf(dir)) ?? (await sourceOfBuild(dir, 'dist/index.js'))) : undefined;
  }

  async function indexOf(dir: string): Promise<string | undefined> {
    return resolveFile(path.join(dir, 'index'));
  }

  /**
   * `main: "dist/index.js"` built from src/index.ts: the source, whether or not the build exists
   * (a heal must change what the build is made from, and a missing build still names its source).
   */
  async function sourceOfBuild(dir: string, entry: string): Promise<string | undefined> {
    const [first, ...rest] = path
      .normalize(entry)
      .split(path.sep)
      .filter((s) => s !== '.');
    if (!BUILD_FOLDERS.has(first) || rest.length === 0 || !(await isDirectory(path.join(dir, 'src')))) return undefined;
    const within = path.join(dir, 'src', ...rest);
    return (await resolveFile(within)) ?? (await resolveFile(within.replace(/\.[cm]?js$/, '')));
  }

  async function pathMappingFor(fromDir: string): Promise<PathMapping | undefined> {
    for (let dir = fromDir; inProject(dir) || dir === workspace.root; dir = path.dirname(dir)) {
      if (await isFile(path.join(dir, 'tsconfig.json'))) {
        if (!tsconfigs.has(dir)) tsconfigs.set(dir, readPathMapping(path.join(dir, 'tsconfig.json')));
        return tsconfigs.get(dir);
      }
      if (dir === workspace.root || path.dirname(dir) === dir) break;
    }
    return undefined;
  }

  async function resolveBare(fromFile: string, specifier: string): Promise<string | undefined> {
    const mapping = await pathMappingFor(path.dirname(fromFile));
    for (const { pattern, targets } of mapping?.paths ?? []) {
      const star = pattern.indexOf('*');
      const matched =
        star < 0
          ? specifier === pattern
            ? ''
            : undefined
          : specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1)) && specifier.length >= pattern.length - 1
            ? specifier.slice(star, specifier.length - (pattern.length - star - 1))
            : undefined;
      if (matched === undefined) continue;
      for (const target of targets) {
        const found = await resolvePath(path.resolve(mapping!.base, target.replace('*', matched)));
        if (found) return found;
      }
    }
    // A workspace package (or the project's own name): its folder, never the link in node_modules.
    const pkg = workspace.packages.filter((p) => specifier === p.name || specifier.startsWith(`${p.name}/`)).sort((a, b) => b.name.length - a.name.length)[0];
    if (pkg) {
      const dir = path.join(workspace.root, pkg.dir);
      const sub = specifier.slice(pkg.name.length);
      return resolveDirectory(dir, sub ? `.${sub}` : '.');
    }
    return undefined;
  }

  async function resolvePath(abs: string): Promise<string | undefined> {
    return (await resolveFile(abs)) ?? ((await isDirectory(abs)) ? resolveDirectory(abs) : undefined);
  }

  return {
    workspace,
    async resolve(fromFile, specifier) {
      if (specifier.startsWith('node:') || /^[a-z][\w+.-]*:/i.test(specifier)) return undefined;
      const relative = specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
      const found = relative ? await resolvePath(path.resolve(path.dirname(fromFile), specifier)) : await resolveBare(fromFile, specifier);
      return found && inProject(found) ? found : undefined;
    },
  };
}

/** The target of `subpath` ('.' or './x') in a package.json `exports` value: a string, conditions, or a subpath map. */
export function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (Array.isArray(exports)) return exports.map((e) => exportTarget(e, subpath)).find((t) => t !== undefined);
  if (typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((k) => k.startsWith('.'))) {
    if (subpath in map) return conditionTarget(map[subpath]);
    for (const key of keys.filter((k) => k.includes('*'))) {
      const [head, tail] = key.split('*');
      if (subpath.startsWith(head) && subpath.endsWith(tail))
        return conditionTarget(map[key])?.replace('*', subpath.slice(head.length, subpath.length - tail.length));
    }
    return undefined;
  }
  return subpath === '.' ? conditionTarget(map) : undefined;
}

function conditionTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(conditionTarget).find((t) => t !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  const map = value as Record<string, unknown>;
  for (const condition of [...CONDITIONS, ...Object.keys(map).filter((k) => k !== 'types')]) {
    const target = condition in map ? conditionTarget(map[condition]) : undefined;
    if (target !== undefined) return target;
  }
  return undefined;
}

/** compilerOptions.paths and baseUrl of a tsconfig (JSON with comments), following one `extends` chain. */
async function readPathMapping(file: string, depth = 0): Promise<PathMapping | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const json = parseJsonc(text, [], { allowTrailingComma: true }) as
    { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  const options = json?.compilerOptions ?? {};
  const dir = path.dirname(file);
  const parent =
    typeof json?.extends === 'string' && json.extends.startsWith('.') && depth < 5
      ? await readPathMapping(path.resolve(dir, json.extends.endsWith('.json') ? json.extends : `${json.extends}.json`), depth + 1)
      : undefined;
  const base = typeof options.baseUrl === 'string' ? path.resolve(dir, options.baseUrl) : (parent?.base ?? dir);
  if (typeof options.paths !== 'object' || options.paths === null)
    return parent ? { ...parent, base } : typeof options.baseUrl === 'string' ? { base, paths: [] } : undefined;
  const paths = Object.entries(options.paths as Record<string, unknown>).map(([pattern, targets]) => ({
    pattern,
    targets: Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : [],
  }));
  return { base, paths };
}

export interface ReachedModule {
  /** Relative to the `root` given to reachableModules, `/`-separated. */
  rel: string;
  /** 1 for a module the test imports itself; re-export-only modules (an index that requires lib/x) add no depth. */
  depth: number;
  /** The specifier the test used for this module (or for the re-exporting module that leads to it). */
  specifier?: string;
  /** The module has no code of its own, only imports and exports. */
  reexportOnly: boolean;
  /** The nearest module with code of its own that imports this one (through re-exports); absent for the test's own imports. */
  via?: string;
}

export interface ReachOptions {
  maxDepth?: number;
  maxModules?: number;
}

/**
 * The project modules `testFile` reaches, breadth first: its own imports at depth 1, theirs at 2,
 * and so on, bounded so a test of a large app does not pull in the whole repository.
 */
export async function reachableModules(
  resolver: ModuleResolver,
  root: string,
  testFile: string,
  readText: (rel: string) => Promise<string | undefined>,
  options: ReachOptions = {},
): Promise<ReachedModule[]> {
  const maxDepth = options.maxDepth ?? 4;
  const maxModules = options.maxModules ?? 80;
  const reached = new Map<string, ReachedModule>();
  const testText = await readText(testFile);
  if (testText === undefined) return [];
  const queue: Array<{ module: ReachedModule; text: string }> = [{ module: { rel: testFile, depth: 0, reexportOnly: false }, text: testText }];
  while (queue.length > 0 && reached.size < maxModules) {
    const { module: from, text: fromText } = queue.shift()!;
    const depth = from.reexportOnly ? from.depth : from.depth + 1;
    if (depth > maxDepth) continue;
    for (const specifier of await moduleSpecifiers(from.rel, fromText)) {
      const abs = await resolver.resolve(path.join(root, from.rel), specifier);
      const rel = abs && toPosix(path.relative(root, abs));
      if (!rel || rel.startsWith('..') || rel === testFile || reached.has(rel)) continue;
      const text = await readText(rel);
      if (text === undefined) continue;
      const module: ReachedModule = {
        rel,
        depth,
        specifier: from.depth === 0 ? specifier : from.reexportOnly ? from.specifier : undefined,
        reexportOnly: await isReexportOnly(rel, text),
        via: from.depth === 0 ? undefined : from.reexportOnly ? from.via : from.rel,
      };
      reached.set(rel, module);
      queue.push({ module, text });
      if (reached.size >= maxModules) break;
    }
  }
  return [...reached.values()];
}

/** A module with no code of its own: only imports and exports (`module.exports = require('./lib/x')`). */
async function isReexportOnly(file: string, text: string): Promise<boolean> {
  const stripped = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/['"]use strict['"];?/g, '');
  const statements = stripped
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const reexport =
    /^(?:module\.)?exports\b[^=]*=\s*require\(|^export\s.*\sfrom\s|^export\s*\*|^(?:const|let|var)\s+[\w$]+\s*=\s*require\(|^module\.exports\s*=\s*[\w$]+$|^import\s/;
  return statements.length > 0 && statements.every((s) => reexport.test(s)) && (await moduleSpecifiers(file, text)).length > 0;
}
