/**
 * Which infrastructure problem a failure group shows, if any (paper §4.2, "environment" faults):
 * a package the code imports but nobody installed, a runner timeout lower than a test needs, or
 * an environment variable the code reads but nobody set. Each has a template in this folder.
 *
 * Runners put some of these next to the failure rather than in it (node:test reports a test file
 * that cannot load as "test failed" and prints the `Cannot find module` above it), so the run's
 * output is read too — but only the part that concerns this group's files, or one group's
 * missing package would be blamed on every other group of the same run.
 */
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import type { Failure } from '../model';

export type TimeoutRunner = 'node' | 'mocha' | 'jest' | 'vitest';

export type InfraProblem =
  | { kind: 'missing-dependency'; pkg: string; /** Workspace-relative file that imports it, when known. */ importer?: string; evidence: string }
  | { kind: 'test-timeout'; runner: TimeoutRunner; ms: number; evidence: string }
  | { kind: 'missing-env'; name: string; evidence: string };

const MODULE_PATTERNS: RegExp[] = [
  // CommonJS (node, mocha, jest): "Cannot find module 'x'" [+ "Require stack: - /abs/importer"] or jest's "from 'src/a.js'"
  /Cannot find module '([^']+)'(?: from '([^']+)')?(?:[\s\S]{0,200}?Require stack:\s*\n[#\s]*- ([^\n]+))?/,
  // ES modules: "Cannot find package 'x' imported from /abs/importer"
  /Cannot find package '([^']+)' imported from (\S+)/,
  // vite / vitest: 'Failed to resolve import "x" from "src/a.js"'
  /Failed to resolve import "([^"]+)" from "([^"]+)"/,
];

const TIMEOUT_PATTERNS: Array<{ runner: TimeoutRunner; test: RegExp }> = [
  { runner: 'mocha', test: /Timeout of (\d+)ms exceeded/ },
  { runner: 'jest', test: /Exceeded timeout of (\d+) ?ms for a (?:test|hook)/ },
  { runner: 'vitest', test: /(?:Test|Hook) timed out in (\d+) ?ms/ },
  { runner: 'node', test: /test timed out after (\d+) ?ms/ },
];

const ENV_NAME = '([A-Z][A-Z0-9_]{1,63})';
const WHAT = '(?:[Ee]nvironment|[Ee]nv)\\s+var(?:iable)?';
const MISSING = '(?:not set|not defined|missing|required|undefined|must be set|empty)';
// Case-sensitive on purpose: the name is upper case, so "Missing environment variable: the config" names none.
const ENV_PATTERNS: RegExp[] = [
  new RegExp(`(?:[Mm]issing|[Rr]equired|[Uu]ndefined|[Uu]nset)\\s+(?:required\\s+)?${WHAT}s?:?\\s*['"\`]?${ENV_NAME}\\b`),
  new RegExp(`${WHAT}\\s+['"\`]?${ENV_NAME}['"\`]?\\s+(?:is\\s+)?${MISSING}`),
  new RegExp(`process\\.env\\.${ENV_NAME}\\s+(?:is\\s+)?${MISSING}`),
  new RegExp(`\\b${ENV_NAME}\\s+(?:environment variable\\s+)?(?:is not set|must be set|is required but (?:was )?not set)`),
];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The installable package of an import specifier: `lodash/fp` → `lodash`, `@a/b/c` → `@a/b`; undefined for paths and built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (/^[./]|^[a-zA-Z]:[\\/]|^(?:node|data|file|https?):/.test(specifier) || BUILTINS.has(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (BUILTINS.has(name) || !/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) return undefined;
  return name;
}

/**
 * Matches of `pattern` in the run's output that concern `files`. node:test prints a file's load
 * error just before that file's report line, so an error belongs to the files named between it
 * and the next report line; mocha and jest put the error in the failure itself.
 */
function* outputHits(output: string, pattern: RegExp, files: string[]): Iterable<RegExpExecArray> {
  const global = new RegExp(pattern.source, 'g');
  for (let match = global.exec(output); match; match = global.exec(output)) {
    const after = output.slice(match.index).split('\n');
    const end = after.findIndex((line, i) => i > 0 && /^(# Subtest:|not ok |ok )/.test(line));
    const context = after.slice(0, end === -1 ? 40 : Math.min(end + 1, 40)).join('\n');
    if (files.length === 0 || files.some((f) => context.includes(f))) yield match;
  }
}

function toRelative(file: string | undefined, root: string | undefined): string | undefined {
  if (!file) return undefined;
  const clean = file
    .trim()
    .replace(/^file:\/\//, '')
    .replace(/:\d+(?::\d+)?$/, '');
  if (!path.isAbsolute(clean)) return clean.replace(/^\.\//, '');
  if (!root) return undefined;
  const rel = path.relative(root, clean);
  return rel.startsWith('..') ? undefined : rel.split(path.sep).join('/');
}

function firstLine(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return text
    .slice(start, end === -1 ? undefined : end)
    .replace(/^[#\s]+/, '')
    .slice(0, 200);
}

/**
 * The infrastructure problem behind `failures`, if one of the templates knows it. `root` (the
 * folder the tests ran in) turns absolute importer paths into workspace-relative ones.
 */
export function detectInfraProblem(failures: Failure[], output = '', root?: string): InfraProblem | undefined {
  const messages = failures.map((f) => f.message).join('\n');
  const files = [...new Set(failures.flatMap((f) => (f.file ? [f.file] : [])))];
  const hits = (pattern: RegExp): Array<{ match: RegExpExecArray; text: string }> => [
    ...[...outputHits(messages, pattern, [])].map((match) => ({ match, text: messages })),
    ...[...outputHits(output, pattern, files)].map((match) => ({ match, text: output })),
  ];
  for (const pattern of MODULE_PATTERNS) {
    for (const { match, text } of hits(pattern)) {
      const pkg = packageOf(match[1]);
      if (!pkg) continue;
      const importer = toRelative(match[2] ?? match[3], root);
      return { kind: 'missing-dependency', pkg, importer, evidence: `the package ${pkg} cannot be found: ${firstLine(text, match.index)}` };
    }
  }
  for (const { runner, test } of TIMEOUT_PATTERNS) {
    const match = test.exec(messages);
    if (match)
      return {
        kind: 'test-timeout',
        runner,
        ms: Number(match[1]),
        evidence: `the runner stopped the test at its time limit: ${firstLine(messages, match.index)}`,
      };
  }
  for (const pattern of ENV_PATTERNS) {
    const [hit] = hits(pattern);
    if (hit) return { kind: 'missing-env', name: hit.match[1], evidence: `an environment variable is not set: ${firstLine(hit.text, hit.match.index)}` };
  }
  return undefined;
}
