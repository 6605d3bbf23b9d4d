/**
 * What the model is told (issue 6): the failure, the suspicious functions whole, the failing
 * test's source, the recent commits touching the file and the most similar past heals. Each is a
 * piece with a priority; when the prompt would exceed the token budget (~4 characters a token),
 * the least relevant pieces go first — past heals, then older commits, then secondary functions —
 * and what must stay (the failure, the first function, the feedback) is shortened instead.
 */
import * as path from 'node:path';
import type { Diagnosis, Failure, HealRecord } from '../../model';
import type { Log } from '../../ports';
import { definingTestFile, isTestFile } from '../../analysis/localize';
import { walk, withTree } from '../../analysis/treeSitter';
import type { SourceFile } from '../mutation/engine';
import { suspiciousUnits, type FunctionUnit } from './functions';
import { recentCommits } from './history';
import { similarHeals } from './pastHeals';
import type { Privacy } from './privacy';

export type Section = 'failure' | 'functions' | 'testSource' | 'history' | 'pastHeals' | 'feedback';

export interface Piece {
  section: Section;
  text: string;
  /** Higher is more relevant: trimmed last. */
  priority: number;
  /** Shortened, never dropped. */
  keep?: boolean;
  /** What dropping it means, for the log. */
  label: string;
}

export interface HealContext {
  /** The functions shown, most suspicious first: also the scope edits must stay in. */
  units: FunctionUnit[];
  pieces: Piece[];
  /** Files that were not sent, with the reason. */
  withheld: string[];
}

export interface ContextInput {
  failures: Failure[];
  diagnosis: Diagnosis;
  files: SourceFile[];
  root: string;
  pastHeals: HealRecord[];
  privacy: Privacy;
  readText(rel: string): Promise<string | undefined>;
  signal?: AbortSignal;
  log: Log;
}

export const CHARS_PER_TOKEN = 4;
export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

export function fence(file: string, text: string): string {
  const lang = /\.tsx$/.test(file) ? 'tsx' : /\.[cm]?tsx?$/.test(file) ? 'ts' : /\.[cm]?jsx?$/.test(file) ? 'js' : '';
  const ticks = text.includes('```') ? '~~~~' : '```';
  return `${ticks}${lang}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

function describeFailure(f: Failure): string {
  const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s);
  const lines = [`Test: ${f.name}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : ''}`, `Message: ${clip(f.message.trim(), 1500)}`];
  if (f.expected !== undefined) lines.push(`Expected: ${clip(f.expected, 600)}`);
  if (f.actual !== undefined) lines.push(`Actual: ${clip(f.actual, 600)}`);
  const frames = f.stack.filter((s) => !s.file.includes('node_modules') && !s.file.startsWith('node:')).slice(0, 8);
  if (frames.length) lines.push('Stack:', ...frames.map((s) => `  at ${s.fn ?? '<anonymous>'} (${s.file}:${s.line}${s.column ? `:${s.column}` : ''})`));
  return lines.join('\n');
}

const TEST_CALL = /^(test|it|specify)(\.(only|skip|todo|concurrent))?$/;

/** The failing tests' own calls (`test('name', …)`) plus the file's imports; the whole file when the call is not found. */
async function testSourceOf(rel: string, text: string, names: string[]): Promise<string> {
  const picked = await withTree(rel, text, (tree) => {
    const imports = tree.rootNode.namedChildren
      .filter((n) => n && (n.type === 'import_statement' || (/declaration/.test(n.type) && /\brequire\(/.test(n.text))))
      .map((n) => n!.text);
    const calls: string[] = [];
    for (const node of walk(tree.rootNode)) {
      if (node.type !== 'call_expression' || !TEST_CALL.test(node.childForFieldName('function')?.text ?? '')) continue;
      const first = node.childForFieldName('arguments')?.namedChildren[0];
      if (!first || !/string/.test(first.type) || !names.includes(first.text.slice(1, -1))) continue;
      const statement = node.parent?.type === 'expression_statement' ? node.parent : node;
      calls.push(`// line ${statement.startPosition.row + 1}\n${statement.text}`);
    }
    return calls.length ? [...imports, '', ...calls].join('\n') : undefined;
  });
  return picked ?? text;
}

export async function gatherContext(input: ContextInput): Promise<HealContext> {
  const withheld: string[] = [];
  const allowed: SourceFile[] = [];
  for (const source of input.files) {
    const why = await input.privacy.excluded(source.file);
    if (why) withheld.push(why);
    else allowed.push(source);
  }
  const units = await suspiciousUnits(input.diagnosis.locations, allowed);
  const pieces: Piece[] = [{ section: 'failure', text: input.failures.map(describeFailure).join('\n\n'), priority: 100, keep: true, label: 'failure' }];
  units.forEach((u, i) => {
    const what = u.name
      ? `function \`${u.name}\``
      : u.start === 0 && u.end >= (allowed.find((f) => f.file === u.file)?.text.length ?? 0)
        ? 'whole file'
        : 'anonymous function';
    pieces.push({
      section: 'functions',
      text: `### ${u.file} — ${what}, lines ${u.startLine}–${u.endLine}\n${fence(u.file, u.text)}`,
      priority: i === 0 ? 90 : 60 - i,
      keep: i === 0,
      label: `${u.file}:${u.startLine} ${u.name ?? ''}`.trim(),
    });
  });

  // The spec that defines each test, which is not the runner's file when an entry spec requires
  // the real ones (analysis/localize.ts, definingTestFile): the entry holds none of the test's code.
  const testNames = new Map<string, string[]>();
  for (const failure of input.failures) {
    const rel = (await definingTestFile(input.root, failure, input.readText)) ?? failure.file;
    if (rel && isTestFile(rel) && !path.isAbsolute(rel)) testNames.set(rel, [...(testNames.get(rel) ?? []), failure.name]);
  }
  for (const [rel, names] of testNames) {
    const why = await input.privacy.excluded(rel);
    const text = why ? undefined : await input.readText(rel);
    if (why) withheld.push(why);
    if (text === undefined) continue;
    const source = await testSourceOf(rel, text, names);
    pieces.push({ section: 'testSource', text: `### ${rel}\n${fence(rel, source)}`, priority: 70, label: `test source ${rel}` });
  }

  for (const file of [...new Set(units.map((u) => u.file))].slice(0, 2)) {
    const commits = await recentCommits(input.root, file, { max: 10, signal: input.signal, log: input.log });
    commits.forEach((c, i) => {
      const diff = c.diff.startsWith('@@') ? `\n${fence('', c.diff).replace(/^```/, '```diff')}` : ` ${c.diff}`;
      pieces.push({ section: 'history', text: `- ${c.hash} ${c.date} ${file}: ${c.message}${diff}`, priority: 40 - i, label: `commit ${c.hash}` });
    });
  }

  const similar = similarHeals(
    input.pastHeals,
    input.failures,
    units.map((u) => u.file),
  );
  for (const [i, heal] of similar.entries()) {
    const files = Object.keys(heal.after);
    const privateFile = await Promise.all(files.map((f) => input.privacy.excluded(f)));
    if (privateFile.some(Boolean)) continue;
    const diff = heal.diff.split('\n').slice(0, 30).join('\n');
    pieces.push({
      section: 'pastHeals',
      text: `- ${heal.summary} (${heal.file}; failure: ${heal.failures[0]?.message.split('\n')[0] ?? '?'})\n\`\`\`diff\n${diff}\n\`\`\``,
      priority: 20 - i,
      label: `past heal ${heal.id}`,
    });
  }
  return { units, pieces, withheld };
}

function shorten(text: string, chars: number): string {
  if (text.length <= chars) return text;
  // Keep the head (what it is) and the tail (for test output: the failures, printed last).
  const head = Math.floor(chars * 0.4);
  const tail = Math.max(0, chars - head - 40);
  return `${text.slice(0, head)}\n… (${text.length - head - tail} characters trimmed) …\n${text.slice(text.length - tail)}`;
}

/**
 * The pieces that fit in `budgetChars` around a fixed frame, least relevant dropped first, and
 * kept pieces shortened (largest first) when even they do not fit.
 */
export function fitBudget(pieces: Piece[], frameChars: number, budgetChars: number): { pieces: Piece[]; dropped: string[] } {
  const size = (list: Piece[]): number => frameChars + list.reduce((n, p) => n + p.text.length + 2, 0);
  let kept = [...pieces];
  const dropped: string[] = [];
  for (const victim of [...pieces].filter((p) => !p.keep).sort((a, b) => a.priority - b.priority)) {
    if (size(kept) <= budgetChars) break;
    kept = kept.filter((p) => p !== victim);
    dropped.push(victim.label);
  }
  while (size(kept) > budgetChars) {
    const largest = kept.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    const target = Math.max(200, largest.text.length - (size(kept) - budgetChars));
    if (target >= largest.text.length) break;
    kept = kept.map((p) => (p === largest ? { ...p, text: shorten(p.text, target) } : p));
    dropped.push(`${largest.label} (shortened)`);
  }
  return { pieces: kept, dropped };
}

const EMPTY: Record<Section, string> = {
  failure: '(no failure details)',
  functions: '(none could be shown)',
  testSource: '(not available)',
  history: '(no git history for these files)',
  pastHeals: '(none)',
  feedback: '',
};

export function sections(pieces: Piece[]): Record<Section, string> {
  const out = { ...EMPTY };
  for (const key of Object.keys(EMPTY) as Section[]) {
    const texts = pieces.filter((p) => p.section === key).map((p) => p.text);
    if (texts.length) out[key] = texts.join('\n\n');
  }
  return out;
}
