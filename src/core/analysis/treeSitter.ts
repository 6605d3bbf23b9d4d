/**
 * Tree-sitter loading. The runtime and grammar wasm files sit next to the bundle (dist/); from
 * source (tests, tsx) they are found in node_modules instead. Loaded once, lazily, and reused:
 * loading a grammar costs tens of milliseconds, parsing a file a few.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };
export type Grammar = 'javascript' | 'typescript' | 'tsx';

let wasmDirectory: string | undefined;
let ready: Promise<void> | undefined;
const languages = new Map<Grammar, Promise<Language>>();
const parsers = new Map<Grammar, Parser>();

function defaultWasmDir(): string {
  if (fs.existsSync(path.join(__dirname, 'tree-sitter.wasm'))) return __dirname;
  // Running from source: walk up to the package root's dist/ or node_modules.
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const dist = path.join(dir, 'dist');
    if (fs.existsSync(path.join(dist, 'tree-sitter-javascript.wasm'))) return dist;
    dir = path.dirname(dir);
  }
  return path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
}

function runtimeWasm(dir: string): string {
  const local = path.join(dir, 'tree-sitter.wasm');
  // @vscode/tree-sitter-wasm ships its own runtime built from another version: never mix them.
  if (!dir.includes('tree-sitter-wasm') && fs.existsSync(local)) return local;
  return path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
}

/** Tell the core where the wasm files are (the extension passes `<extensionPath>/dist`). */
export function initTreeSitter(wasmDir?: string): Promise<void> {
  if (!ready) {
    wasmDirectory = wasmDir ?? defaultWasmDir();
    const runtime = runtimeWasm(wasmDirectory);
    ready = Parser.init({ locateFile: () => runtime });
  }
  return ready;
}

export function grammarFor(file: string): Grammar | undefined {
  const ext = path.extname(file).toLowerCase();
  if (['.js', '.cjs', '.mjs', '.jsx'].includes(ext)) return 'javascript';
  if (['.ts', '.cts', '.mts'].includes(ext)) return 'typescript';
  if (ext === '.tsx') return 'tsx';
  return undefined;
}

async function parserFor(grammar: Grammar): Promise<Parser> {
  await initTreeSitter();
  let parser = parsers.get(grammar);
  if (parser) return parser;
  let language = languages.get(grammar);
  if (!language) {
    language = Language.load(path.join(wasmDirectory!, `tree-sitter-${grammar}.wasm`));
    languages.set(grammar, language);
  }
  parser = new Parser();
  parser.setLanguage(await language);
  parsers.set(grammar, parser);
  return parser;
}

/** Parse `text` as the language of `file`; the caller must `tree.delete()` when done. */
export async function parse(file: string, text: string): Promise<Tree | undefined> {
  const grammar = grammarFor(file);
  if (!grammar) return undefined;
  return (await parserFor(grammar)).parse(text) ?? undefined;
}

/** Parse, run `use`, and free the tree's wasm memory whatever happens. */
export async function withTree<T>(file: string, text: string, use: (tree: Tree) => T): Promise<T | undefined> {
  const tree = await parse(file, text);
  if (!tree) return undefined;
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/** True when the text parses without ERROR or MISSING nodes. */
export async function parsesCleanly(file: string, text: string): Promise<boolean> {
  const ok = await withTree(file, text, (tree) => !tree.rootNode.hasError);
  return ok ?? true;
}

/** Depth-first walk over named and anonymous nodes. */
export function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) if (child) yield* walk(child);
}
