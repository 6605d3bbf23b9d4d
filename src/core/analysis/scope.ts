/**
 * A cheap, conservative scope model over the tree-sitter AST: which names a replacement
 * identifier may take at a position. It over-approximates block scoping (a name declared anywhere
 * earlier in an enclosing function counts), which only costs a few extra candidates that then
 * fail verification — never an unsound fix, because verification decides.
 */
import type { Node } from './treeSitter';

export const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);

const PATTERN_HOLDERS = new Set(['variable_declarator', 'for_in_statement', 'catch_clause']);

function collectPatternNames(node: Node | null, out: Set<string>): void {
  if (!node) return;
  if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') {
    out.add(node.text);
    return;
  }
  if (node.type === 'assignment_pattern') return collectPatternNames(node.childForFieldName('left'), out);
  if (node.type === 'pair_pattern') return collectPatternNames(node.childForFieldName('value'), out);
  if (node.type === 'type_annotation' || node.type === 'predefined_type') return;
  for (const child of node.namedChildren) if (child) collectPatternNames(child, out);
}

function declaredNames(node: Node, before: number, out: Set<string>): void {
  for (const child of node.namedChildren) {
    if (!child || child.startIndex > before) continue;
    if (PATTERN_HOLDERS.has(child.type)) {
      // A name bound to a function is a callee, not a value another variable could stand for.
      if (FUNCTION_TYPES.has(child.childForFieldName('value')?.type ?? '')) continue;
      const target = child.childForFieldName('name') ?? child.childForFieldName('left') ?? child.childForFieldName('parameter');
      collectPatternNames(target, out);
    }
    if (child.type === 'function_declaration' || child.type === 'class_declaration') continue;
    if (FUNCTION_TYPES.has(child.type)) continue;
    declaredNames(child, before, out);
  }
}

/** Value names visible at `position` inside `node`: parameters and declarations of every enclosing function, then the module's. */
export function namesInScope(node: Node, position: number): string[] {
  const names = new Set<string>();
  for (let scope: Node | null = node; scope; scope = scope.parent) {
    if (FUNCTION_TYPES.has(scope.type)) {
      collectPatternNames(scope.childForFieldName('parameters') ?? scope.childForFieldName('parameter'), names);
      const body = scope.childForFieldName('body');
      if (body) declaredNames(body, position, names);
    }
    if (scope.type === 'program') declaredNames(scope, Number.MAX_SAFE_INTEGER, names);
  }
  return [...names];
}

/** The innermost function that contains the node, or undefined at module level. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return undefined;
}

/** True when an identifier node is a use (a value read or written), not a declaration or a label. */
export function isUse(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'variable_declarator' && parent.childForFieldName('name')?.equals(node)) return false;
  if (parent.type === 'formal_parameters' || parent.type === 'required_parameter' || parent.type === 'optional_parameter') return false;
  if (parent.type === 'assignment_pattern' && parent.childForFieldName('left')?.equals(node)) return false;
  if (FUNCTION_TYPES.has(parent.type) || parent.type === 'function_declaration' || parent.type === 'class_declaration') return false;
  if (parent.type === 'arrow_function' && parent.childForFieldName('parameter')?.equals(node)) return false;
  if (parent.type === 'for_in_statement' && parent.childForFieldName('left')?.equals(node)) return false;
  if (parent.type.startsWith('import') || parent.type.startsWith('export_specifier') || parent.type === 'labeled_statement') return false;
  if (parent.type === 'catch_clause') return false;
  return true;
}
