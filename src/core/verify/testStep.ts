/**
 * Seeing through a script to the test runner it starts. As written, `make test-all` or
 * `npm run lint && mocha test/` is not one runner invocation, so Self-Heal could not narrow it to
 * a file, add its reporter, run one test with coverage or retry only the failing tests: it would
 * read human output and run the whole chain every time.
 *
 * The script's steps are read (for make, make's own dry run, which expands variables and
 * prerequisites exactly as make would; for a chain, its `&&` and `;` steps; `npm run x` steps by
 * their package.json script) and the first step that starts a runner becomes the command:
 * - steps before it stay in front of it (`tsc -p . && mocha dist/test`: the build must still run),
 *   except dependency installs, since the sandbox uses the workspace's own node_modules and an
 *   install there would write into the user's, and linters, which check but change nothing the
 *   tests run (and would stop every run on a lint error the heal is not about);
 * - steps after it are not run while healing when they are lint, or the same tests again under
 *   coverage.
 * Only when that is safe: a later step that may run other tests (another runner, other paths, a
 * command we do not know), a `cd`, a pipe or a redirection, and the script is left as it is.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { binOf, runnerIn, runnerNamed } from '../runners';
import { parseRunnerCommand, shellWords } from '../runners/commandLine';
import { runProcess } from './process';

export interface TestStep {
  /** The steps kept before the runner, then the runner step, joined by `&&`. */
  command: string;
  /** Steps of the script that Self-Heal does not run while healing. */
  notRun: string[];
}

/** Reads a package.json script by name (undefined when it has none, or pre/post hooks that would also run). */
export type ScriptOf = (name: string) => Promise<string | undefined>;

const MAX_DEPTH = 4;
const MAKE_DRY_RUN_MS = 10_000;

// `npm test`, `npm run x`; pnpm and yarn also run a script named without `run` (`pnpm lint`).
const NPM_SCRIPT = /^(?:npm\s+(?:(test|t)|run(?:-script)?\s+([\w:.-]+))|(?:pnpm|yarn)\s+(?:run\s+)?([\w:.-]+))$/;

/** The package.json script a command runs through npm, pnpm or yarn (`npm t` → test), else undefined. */
export function npmScriptName(command: string): string | undefined {
  const match = NPM_SCRIPT.exec(command.trim());
  return match ? (match[1] ? 'test' : (match[2] ?? match[3])) : undefined;
}

const INSTALL = /^(?:(?:npm|pnpm)\s+(?:install|i|ci)|yarn(?:\s+install)?)(?:\s+--?[\w-]+(?:=\S+)?)*$/;
const LINTERS = new Set(['eslint', 'jshint', 'jscs', 'tslint', 'standard', 'semistandard', 'xo', 'prettier', 'biome', 'stylelint', 'markdownlint', 'oxlint']);
const CHANGES_DIRECTORY = /^(?:cd|pushd|popd)\b/;

export async function testStepOf(cwd: string, script: string, scriptOf: ScriptOf): Promise<TestStep | undefined> {
  const steps = await stepsOf(cwd, script, scriptOf, 0);
  if (!steps) return undefined;
  const at = steps.findIndex((step) => runnerIn(plainWords(step)) !== undefined);
  if (at < 0) return undefined;
  const testStep = steps[at];
  const before = steps.slice(0, at);
  const after = steps.slice(at + 1);
  if (before.some((step) => CHANGES_DIRECTORY.test(step))) return undefined;
  if (!after.every((step) => runsNoOtherTests(step, testStep))) return undefined;
  const needed = (step: string): boolean => !INSTALL.test(step) && !isLinter(step);
  return { command: [...before.filter(needed), testStep].join(' && '), notRun: [...before.filter((step) => !needed(step)), ...after] };
}

/**
 * A later step is safe to leave out when it is a linter, or the same runner on the same tests (a
 * coverage re-run). Anything else may be more tests (`npm run test:browser`, a runner we do not
 * know), whose regressions a heal must not stop seeing.
 */
function runsNoOtherTests(step: string, testStep: string): boolean {
  if (isLinter(step)) return true;
  const runner = runnerIn(plainWords(step));
  if (!runner) return false;
  if (runner !== runnerIn(plainWords(testStep))) return false;
  const descriptor = runnerNamed(runner.name);
  const paths = (command: string): string => (descriptor ? (parseRunnerCommand(descriptor, command)?.paths ?? []).join(' ') : '');
  return paths(step) === paths(testStep);
}

/** The step's program, after any `VAR=value` words and `npx`, is a linter. */
function isLinter(step: string): boolean {
  const words = plainWords(step).filter((word) => !/^\w+=/.test(word));
  const program = words[0] === 'npx' ? words[1] : words[0];
  return program !== undefined && LINTERS.has(binOf(program));
}

const plainWords = (step: string): string[] => shellWords(step).map((word) => word.replace(/^(['"])(.*)\1$/, '$2'));

/** The simple commands a script runs, in order, or undefined when it is not a plain sequence of them. */
async function stepsOf(cwd: string, script: string, scriptOf: ScriptOf, depth: number): Promise<string[] | undefined> {
  if (depth > MAX_DEPTH) return undefined;
  const chain = splitChain(script);
  if (!chain) return undefined;
  const steps: string[] = [];
  for (const step of chain) {
    const npm = npmScriptName(step);
    const words = plainWords(step);
    let inner: string[] | undefined = [step];
    if (npm) {
      const body = await scriptOf(npm);
      inner = body === undefined ? [step] : await stepsOf(cwd, body, scriptOf, depth + 1);
    } else if (words.length > 0 && binOf(words[0]) === 'make') {
      const dryRun = await makeDryRun(cwd, step);
      inner = dryRun === undefined ? undefined : await stepsOf(cwd, dryRun, scriptOf, depth + 1);
    }
    if (!inner) return undefined;
    steps.push(...inner);
  }
  return steps;
}

/**
 * `make -n`: the recipe lines make would run, with variables expanded, prerequisites first. It
 * runs nothing but the Makefile's own `$(shell …)` expansions, as any make invocation would.
 * Recipe lines are joined as the shell would receive them; a recursive make into another folder
 * is not followed (its paths are relative to that folder).
 */
async function makeDryRun(cwd: string, step: string): Promise<string | undefined> {
  // Every test run reads its command afresh, and a Makefile whose $(shell …) is slow would cost
  // that each time: one dry run per folder, step and Makefile version.
  const makefile = await fs.stat(path.join(cwd, 'Makefile')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const key = `${cwd}\0${step}\0${makefile}`;
  const known = dryRuns.get(key);
  if (known) return known;
  const read = readDryRun(cwd, step);
  dryRuns.set(key, read);
  if (dryRuns.size > MAX_DRY_RUNS_KEPT) dryRuns.delete(dryRuns.keys().next().value!);
  return read;
}

const MAX_DRY_RUNS_KEPT = 64;
const dryRuns = new Map<string, Promise<string | undefined>>();

async function readDryRun(cwd: string, step: string): Promise<string | undefined> {
  const [make, ...args] = shellWords(step);
  const result = await runProcess({
    command: [make, '-n', ...args].join(' '),
    cwd,
    timeoutMs: MAKE_DRY_RUN_MS,
    env: { MAKEFLAGS: '', MFLAGS: '', MAKELEVEL: '' },
  });
  if (result.exitCode !== 0 || /\bEntering directory\b/.test(result.stdout)) return undefined;
  // A recipe continued over lines (`\` at the end, indented next line) is one command; the
  // spaces around the breaks go, and spaces inside the line (a quoted `'a  b'`) stay as written.
  const lines = result.stdout
    .replace(/(?:[ \t]*\\\r?\n[ \t]*)+/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^echo\b/.test(line));
  return lines.length > 0 ? lines.join(' && ') : undefined;
}

/**
 * A script's `&&`- and `;`-separated steps, or undefined when it uses anything else the shell
 * interprets (pipes, `||`, background `&`, redirections, substitutions): those change what runs
 * in ways a list of steps cannot keep.
 */
export function splitChain(script: string): string[] | undefined {
  const steps: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      // Double quotes still expand `$x`, `$(…)` and backticks.
      if (quote === '"' && (c === '$' || c === '`')) return undefined;
      current += c;
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < script.length) current += script[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '\\' && i + 1 < script.length) {
      current += c + script[++i];
    } else if (c === ';' || (c === '&' && script[i + 1] === '&')) {
      if (c === '&') i++;
      steps.push(current.trim());
      current = '';
    } else if ('|&<>`$()'.includes(c)) {
      return undefined;
    } else {
      current += c;
    }
  }
  if (quote) return undefined;
  steps.push(current.trim());
  return steps.every((step) => step !== '') ? steps : undefined;
}
