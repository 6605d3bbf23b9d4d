/**
 * Functions as the LLM sees and edits them. A "unit" is a function together with the declaration
 * that names it (`const add = (a, b) => …`, `export function f() {…}`, `key: function () {…}`),
 * because that is the text a model rewrites when asked to "replace function add": showing the bare
 * arrow function and splicing back a whole `const add = …` would double the declaration.
 */
import type { Location } from '../../model';
import { walk, withTree, type Node } from '../../analysis/treeSitter';
import { FUNCTION_TYPES } from '../../analysis/scope';

export interface FunctionUnit {
  file: string;
  /** Undefined for anonymous functions and for module-level code shown whole. */
  name?: string;
  /** Character offsets of the unit in the file text. */
  start: number;
  end: number;
  /** 1-based, inclusive, as shown to the model. */
  startLine: number;
  endLine: number;
  text: string;
}

/** A unit larger than this is shown as its innermost function instead of its outermost. */
const MAX_UNIT_CHARS = 8000;

function nameOf(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent?.type === 'pair') return parent.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
  if (parent?.type === 'assignment_expression') return parent.childForFieldName('left')?.text.split('.').pop();
  return undefined;
}

/** The declaration that carries the function's name, when it holds nothing else. */
function declarationOf(fn: Node): Node {
  let node = fn;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') {
    const declaration = parent.parent;
    if (declaration && (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration') && declaration.namedChildren.length === 1)
      node = declaration;
  } else if (parent?.type === 'assignment_expression' && parent.parent?.type === 'expression_statement') {
    node = parent.parent;
  } else if (parent?.type === 'pair') {
    node = parent;
  }
  if (node.parent?.type === 'export_statement') node = node.parent;
  return node;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every function unit in the file, outermost first. Empty when the file has no grammar. */
export async function functionUnits(file: string, text: string): Promise<FunctionUnit[]> {
  const units = await withTree(file, text, (tree) => {
    const out: FunctionUnit[] = [];
    const seen = new Set<string>();
    for (const node of walk(tree.rootNode)) {
      if (!FUNCTION_TYPES.has(node.type)) continue;
      const unit = declarationOf(node);
      const key = `${unit.startIndex}:${unit.endIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        file,
        name: nameOf(node),
        start: unit.startIndex,
        end: unit.endIndex,
        startLine: unit.startPosition.row + 1,
        endLine: unit.endPosition.row + 1,
        text: unit.text,
      });
    }
    return out;
  });
  return units ?? [];
}

function wholeFile(file: string, text: string): FunctionUnit {
  return { file, start: 0, end: text.length, startLine: 1, endLine: lineAt(text, text.length), text };
}

/**
 * The units to show for the localized locations, most suspicious first: for each location the
 * outermost function that contains it (the whole enclosing function, not a line window), unless
 * that is too big, then the innermost. Module-level locations show the file. Nested picks collapse
 * into their container.
 */
export async function suspiciousUnits(locations: Location[], files: Array<{ file: string; text: string }>): Promise<FunctionUnit[]> {
  const picked: FunctionUnit[] = [];
  const unitsByFile = new Map<string, FunctionUnit[]>();
  for (const location of locations) {
    const source = files.find((f) => f.file === location.file);
    if (!source) continue;
    if (!unitsByFile.has(source.file)) unitsByFile.set(source.file, await functionUnits(source.file, source.text));
    const containing = unitsByFile.get(source.file)!.filter((u) => u.start <= location.start && location.end <= u.end);
    const wholeModule = location.start === 0 && location.end >= source.text.length;
    const unit =
      wholeModule || containing.length === 0
        ? wholeFile(source.file, source.text)
        : (containing.find((u) => u.text.length <= MAX_UNIT_CHARS) ?? containing[containing.length - 1]);
    if (picked.some((p) => p.file === unit.file && p.start <= unit.start && unit.end <= p.end)) continue;
    // A container takes the rank of the most suspicious unit it swallows.
    const inside = (p: FunctionUnit): boolean => p.file === unit.file && unit.start <= p.start && p.end <= unit.end;
    const rank = picked.findIndex(inside);
    const kept = picked.filter((p) => !inside(p));
    kept.splice(rank === -1 ? kept.length : rank, 0, unit);
    picked.splice(0, picked.length, ...kept);
  }
  return picked;
}
