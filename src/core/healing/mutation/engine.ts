/**
 * The offline engine: turns ranked locations into an ordered stream of parseable candidates.
 * Singles first, cheapest prior first; then pairs built on "promising parents" — singles that made
 * some failing assertions pass (partial fitness) — which is far cheaper than blind pairs.
 */
import type { Candidate, Failure, Location, TextEdit } from '../../model';
import { applyEdits } from '../../edits';
import { parse, type Node } from '../../analysis/treeSitter';
import { mutationsIn, NO_HINTS, type FailureHints, type Mutation } from './operators';
import { DEFAULT_PRIORS, type MutationPriors } from './priors';

export function hintsFrom(failures: Failure[]): FailureHints {
  const hints: FailureHints = { ...NO_HINTS, nullishReads: [], undefinedNames: [] };
  for (const f of failures) {
    const text = `${f.message}\n${f.actual ?? ''}`;
    for (const m of text.matchAll(/Cannot read propert(?:y|ies) of (?:undefined|null) \(reading '([^']+)'\)/g)) hints.nullishReads.push(m[1]);
    for (const m of text.matchAll(/(\w+) is not defined/g)) hints.undefinedNames.push(m[1]);
    if (/Promise \{|\[object Promise\]|Promise\s*<pending>/.test(text)) hints.promiseLeak = true;
    const e = f.expected;
    const a = f.actual;
    if (e !== undefined && a !== undefined) {
      const kind = (v: string): string => (/^'.*'$|^".*"$/.test(v) ? 'string' : /^-?\d/.test(v) || v === 'NaN' ? 'number' : 'other');
      if (kind(e) !== kind(a) || a === 'NaN') hints.typeMismatch = true;
      if (kind(e) === 'number' && kind(a) === 'string') hints.typeMismatch = true;
    }
    if (/NaN/.test(f.message)) hints.typeMismatch = true;
  }
  return hints;
}

function nodeFor(root: Node, loc: Location): Node {
  if (loc.start === 0 && loc.end >= root.endIndex) return root;
  let node = root.descendantForIndex(loc.start, Math.max(loc.start, loc.end - 1));
  while (node && (node.startIndex > loc.start || node.endIndex < loc.end) && node.parent) node = node.parent;
  return node ?? root;
}

function errorCount(root: Node): number {
  let count = 0;
  // Descend only into subtrees that report an error, to stay cheap on clean code.
  const visit = (node: Node): void => {
    if (!node.hasError && !node.isMissing) return;
    if (node.isError || node.isMissing) count++;
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return count;
}

export interface SourceFile {
  file: string;
  text: string;
}

let serial = 0;
const nextId = (): string => `m${++serial}`;

function toCandidate(file: string, m: Mutation, cost: number): Candidate {
  return {
    id: nextId(),
    engine: 'mutation',
    operator: m.operator,
    summary: m.summary,
    edits: [{ file, start: m.start, end: m.end, newText: m.text }],
    cost,
    editsTests: false,
  };
}

/**
 * Single-edit candidates for every location, deduplicated, cheapest first, not yet parse-checked:
 * building them is cheap, parsing each mutated file is not (tens of thousands on a big file), so
 * `parseable` checks them lazily, in rank order, only as far as the search will go.
 */
export async function rankedSingles(
  locations: Location[],
  files: SourceFile[],
  hints: FailureHints,
  priors: MutationPriors = DEFAULT_PRIORS,
): Promise<Candidate[]> {
  const byKey = new Map<string, Candidate>();
  for (const source of files) {
    const tree = await parse(source.file, source.text);
    if (!tree) continue;
    try {
      for (const loc of locations.filter((l) => l.file === source.file)) {
        const region = nodeFor(tree.rootNode, loc);
        for (const m of mutationsIn(region, source.text, hints, priors)) {
          // Location weight: weaker suspicion costs more; the exact line a frame points at costs less.
          let cost = m.cost + (1 - loc.score);
          if (loc.why.startsWith('stack frame') && m.line === loc.line) cost -= 0.3;
          const key = `${source.file}:${m.start}:${m.end}:${m.text}`;
          const prior = byKey.get(key);
          if (!prior || prior.cost > cost) byKey.set(key, toCandidate(source.file, m, cost));
        }
      }
    } finally {
      tree.delete();
    }
  }
  return [...byKey.values()].sort((a, b) => a.cost - b.cost);
}

/**
 * The first `limit` candidates, in order, that parse: a candidate must not add a parse error, and
 * on a file that already has one it must remove some.
 */
export async function parseable(candidates: Candidate[], files: SourceFile[], limit = Infinity): Promise<Candidate[]> {
  const baselineErrors = new Map<string, number>();
  const out: Candidate[] = [];
  for (const candidate of candidates) {
    if (out.length >= limit) break;
    const source = files.find((f) => f.file === candidate.edits[0].file);
    if (!source) continue;
    if (!baselineErrors.has(source.file)) {
      const tree = await parse(source.file, source.text);
      baselineErrors.set(source.file, tree ? errorCount(tree.rootNode) : 0);
      tree?.delete();
    }
    const before = baselineErrors.get(source.file)!;
    const t = await parse(source.file, applyEdits(source.text, candidate.edits));
    const errors = t ? errorCount(t.rootNode) : 0;
    t?.delete();
    if (before === 0 ? errors === 0 : errors < before) out.push(candidate);
  }
  return out;
}

/** Every single-edit candidate that parses, cheapest first. */
export async function singleCandidates(
  locations: Location[],
  files: SourceFile[],
  hints: FailureHints,
  priors: MutationPriors = DEFAULT_PRIORS,
): Promise<Candidate[]> {
  return parseable(await rankedSingles(locations, files, hints, priors), files);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start < b.end && b.start < a.end;
}

/** Two-edit candidates: each promising parent combined with each non-overlapping single. */
export async function pairCandidates(parents: Candidate[], singles: Candidate[], files: SourceFile[], limit: number): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const parent of parents) {
    // Pairs are tried cheapest first, so only a parent's cheapest partners can make the cut; on a big
    // file this keeps tens of thousands of singles from becoming hundreds of thousands of pairs.
    let partners = 0;
    for (const other of singles) {
      if (partners >= limit * 4) break;
      if (other.id === parent.id || parent.edits.some((e) => other.edits.some((o) => overlaps(e, o)))) continue;
      const edits = [...parent.edits, ...other.edits];
      const key = edits
        .map((e) => `${e.file}:${e.start}:${e.end}:${e.newText}`)
        .sort()
        .join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      partners++;
      out.push({
        ...parent,
        id: nextId(),
        operator: `${parent.operator}+${other.operator}`,
        summary: `${parent.summary}; ${other.summary}`,
        edits,
        cost: parent.cost + other.cost,
      });
    }
  }
  out.sort((a, b) => a.cost - b.cost);
  const checked: Candidate[] = [];
  for (const c of out) {
    if (checked.length >= limit) break;
    if (await editsParse(c.edits, files)) checked.push(c);
  }
  return checked;
}

async function editsParse(edits: TextEdit[], files: SourceFile[]): Promise<boolean> {
  for (const source of files) {
    const mine = edits.filter((e) => e.file === source.file);
    if (mine.length === 0) continue;
    const tree = await parse(source.file, applyEdits(source.text, mine));
    const bad = tree?.rootNode.hasError ?? false;
    tree?.delete();
    if (bad) return false;
  }
  return true;
}
