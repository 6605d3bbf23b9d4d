/**
 * The signals stage (Signal → Failure): which runner a command uses (by the runner registry in
 * src/core/runners), and how to turn whatever it printed into per-test outcomes and Failures. Output is untrusted text — a half-written log, another tool's noise — so nothing here
 * throws on it.
 */
import { stripAnsi } from './ansi';
import { emptyResult, findJson, isRecord, type ParseResult } from './failure';
import { parseJest } from './jest';
import { parseMocha } from './mocha';
import { parseNodeTest } from './nodeTest';
import { withoutNodeWarnings } from './nodeWarnings';
import { parseTsc } from './tsc';
import { parseVitest } from './vitest';
import { runnerIn as registryRunnerIn, runnerNamed } from '../runners';

export type { ParseResult } from './failure';

export type TestRunnerName = 'node' | 'mocha' | 'jest' | 'vitest' | 'unknown';
/** What the parsers read: a test runner's output, or tsc's diagnostics. */
export type OutputKind = TestRunnerName | 'tsc';

/** The part of package.json used here; `unknown` because package.json is user data. */
export interface PackageJsonLike {
  scripts?: unknown;
}

/** Scripts that call scripts (`"test": "npm run test:unit"`) are followed this deep, no deeper. */
const MAX_SCRIPT_DEPTH = 5;

/**
 * The runner a shell command ends up invoking. Package-manager script calls (`npm test`, `npm t`,
 * `npm run x`, `yarn test`, `yarn x`, `pnpm test`, `pnpm run x`) are replaced by the script's text.
 */
export function detectRunner(command: string, packageJson?: PackageJsonLike): TestRunnerName {
  return detectIn(command, scriptsOf(packageJson), 0);
}

function scriptsOf(packageJson: PackageJsonLike | undefined): Record<string, string> {
  const scripts: Record<string, string> = {};
  if (isRecord(packageJson?.scripts)) {
    for (const [name, body] of Object.entries(packageJson.scripts)) if (typeof body === 'string') scripts[name] = body;
  }
  return scripts;
}

function detectIn(command: string, scripts: Record<string, string>, depth: number): TestRunnerName {
  for (const part of command.split(/&&|\|\||[;&|\n]/)) {
    const words = part
      .trim()
      .split(/\s+/)
      .map((word) => word.replace(/^['"]|['"]$/g, ''))
      .filter((word) => word !== '' && !/^\w+=/.test(word));
    const script = scriptCalled(words, scripts);
    const runner = script !== undefined && depth < MAX_SCRIPT_DEPTH ? detectIn(script, scripts, depth + 1) : runnerIn(words);
    if (runner !== 'unknown') return runner;
  }
  return 'unknown';
}

/** The body of the package.json script a package-manager command runs, if it runs one. */
function scriptCalled(words: readonly string[], scripts: Record<string, string>): string | undefined {
  const [tool, ...rest] = words;
  if (tool !== 'npm' && tool !== 'yarn' && tool !== 'pnpm' && tool !== 'bun') return undefined;
  const args = rest.filter((word) => !word.startsWith('-'));
  let name: string | undefined;
  if (['test', 't', 'tst'].includes(args[0]) && tool !== 'bun') name = 'test';
  else if (['run', 'run-script', 'rum', 'urn'].includes(args[0])) name = args[1];
  // yarn and pnpm run a script named as their first argument, without `run`.
  else if (tool === 'yarn' || tool === 'pnpm') name = args[0];
  return name === undefined ? undefined : scripts[name];
}

function runnerIn(words: readonly string[]): TestRunnerName {
  return registryRunnerIn(words)?.name ?? 'unknown';
}

/**
 * What the output looks like it came from, for when the command did not say: a JSON report, a
 * TAP header, or each runner's summary lines.
 */
export function sniffRunner(text: string): OutputKind {
  const json = findJson(text);
  if (isRecord(json)) {
    if (Array.isArray(json.testResults)) return 'numRuntimeErrorTestSuites' in json ? 'jest' : 'vitest';
    if (Array.isArray(json.tests) && isRecord(json.stats)) return 'mocha';
  }
  if (/^TAP version \d+/m.test(text)) return 'node';
  if (/^\s*Test Files\s{2}/m.test(text)) return 'vitest';
  if (/^Tests:\s+\d/m.test(text) || /^(?:PASS|FAIL) \S/m.test(text)) return 'jest';
  if (/^ℹ tests \d+/m.test(text) || /^✖ failing tests:$/m.test(text)) return 'node';
  if (/^\s+\d+ (?:passing \(|failing$)/m.test(text) || /^\s*Exception during run: /m.test(text)) return 'mocha';
  if (parseTsc(text, '/').length > 0) return 'tsc';
  return 'unknown';
}

function parseAs(kind: OutputKind, text: string, root: string): ParseResult {
  switch (kind) {
    case 'node':
      return parseNodeTest(text, root);
    case 'mocha':
      return parseMocha(text, root);
    case 'jest':
      return parseJest(text, root);
    case 'vitest':
      return parseVitest(text, root);
    case 'tsc':
      return { outcomes: [], failures: parseTsc(text, root) };
    default:
      return emptyResult();
  }
}

const isEmpty = (result: ParseResult): boolean => result.outcomes.length === 0 && result.failures.length === 0;

/**
 * Outcomes and failures from a run's combined output. The runner, when known, picks the parser;
 * otherwise the text does. When the chosen parser finds nothing, the sniffed one and then tsc get a
 * turn: `tsc && mocha` stops at a type error before mocha prints anything.
 */
export function parseTestOutput(output: string, options: { runner?: OutputKind; root: string }): ParseResult {
  try {
    const text = withoutNodeWarnings(stripAnsi(output));
    const sniffed = sniffRunner(text);
    const chosen = options.runner && options.runner !== 'unknown' ? options.runner : sniffed;
    for (const kind of new Set<OutputKind>([chosen, sniffed, 'tsc'])) {
      const result = parseAs(kind, text, options.root);
      if (!isEmpty(result)) return result;
    }
  } catch {
    // Unforeseen output shapes are no failures of their own: the caller still has the exit code.
  }
  return emptyResult();
}

/** Results from the report file our reporter wrote (src/reporters; for node, the piped TAP output itself). */
export function parseReportFile(runner: TestRunnerName, text: string, root: string): ParseResult {
  try {
    const descriptor = runnerNamed(runner);
    return descriptor ? descriptor.parseReport(text, root) : parseTestOutput(text, { root });
  } catch {
    return emptyResult();
  }
}
