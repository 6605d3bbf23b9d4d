/**
 * Which command runs the workspace's tests, and how Self-Heal runs it faster and more precisely.
 * `npm test` costs ~300 ms of npm start-up per run, and a heal runs tests dozens of times, so a
 * plain package.json script is run directly (with node_modules/.bin on PATH, as npm would). When
 * the script is one runner invocation we can also narrow it to some test files and ask the runner
 * for a machine-readable report.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SelfHealError } from '../model';
import { runnerIn, runnerNamed } from '../runners';
import { joinCommand, parseRunnerCommand, shellWords } from '../runners/commandLine';
import { hostPlatform } from './platform';
import { npmScriptName, testStepOf } from './testStep';

export type RunnerKind = 'node' | 'mocha' | 'jest' | 'vitest' | 'unknown';

interface PackageJson {
  scripts?: Record<string, string>;
}

const NPM_DEFAULT_TEST = /no test specified/;

export async function readPackageJson(root: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SelfHealError('BAD_INPUT', `package.json in ${root} is not valid JSON: ${(error as Error).message}. Fix it, or pass a test command.`);
  }
}

/** The command a user means by "the tests": an explicit one, else the package.json test script. */
export async function defaultTestCommand(root: string, explicit?: string): Promise<string> {
  if (explicit?.trim()) return explicit.trim();
  const pkg = await readPackageJson(root);
  if (!pkg)
    throw new SelfHealError(
      'NO_PROJECT',
      `No package.json in ${root}. Run Self-Heal in a Node project, or give the test command (--test "<command>" or the selfHeal.testCommand setting).`,
    );
  const script = pkg.scripts?.test;
  if (!script || NPM_DEFAULT_TEST.test(script)) {
    throw new SelfHealError(
      'NO_TEST_COMMAND',
      'No test command found. Add a "test" script to package.json, or set selfHeal.testCommand (CLI: --test "<command>").',
    );
  }
  return 'npm test';
}

export interface ExpandedCommand {
  /** What to run. */
  command: string;
  /** The script's runner, when recognisable. */
  runner: RunnerKind;
  /** True when `command` is a single runner invocation we may add arguments to. */
  simple: boolean;
  env: Record<string, string>;
  /** Set when `command` is the runner step of a longer script (testStep.ts): the script, and its steps not run while healing. */
  seenThrough?: { script: string; notRun: string[] };
}

/** The runner a script starts, by the registry's descriptors (src/core/runners). */
export function runnerOf(script: string): RunnerKind {
  return runnerIn(shellWords(script).map((word) => word.replace(/^(['"])(.*)\1$/, '$2')))?.name ?? 'unknown';
}

// Inside single quotes the shell expands nothing, so a quoted name filter (`--grep '^a (b)$'`, or
// `'don'\''t'` for a quote inside it) keeps a command simple.
const isSimple = (script: string): boolean => !/[;&|<>`$()]/.test(script.replace(/'[^']*'|\\'/g, "''"));

/** Replace `npm test` / `npm run x` by the script itself when npm would add nothing but start-up time. */
export async function expandCommand(cwd: string, command: string): Promise<ExpandedCommand> {
  // node_modules/.bin on PATH, as npm puts it for scripts: a command Self-Heal narrows from a
  // script (hangingFiles.ts) or one the user gives directly finds the project's runner too.
  const env: Record<string, string> = { PATH: `${path.join(cwd, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  const name = npmScriptName(command);
  let script = command.trim();
  if (name) {
    const body = await scriptOf(cwd, name);
    if (body) {
      script = body;
      env.npm_lifecycle_event = name;
    }
  }
  // `make test`, `npm run unit` and chains start no runner by their first word: read their steps.
  if (!isSimple(script) || runnerOf(script) === 'unknown') {
    const step = await testStepOf(cwd, script, (name) => scriptOf(cwd, name));
    // Unchanged (`tsc && mocha`, every step needed) it is still one runner at the end: ours to narrow.
    if (step) {
      const seenThrough = step.command === script ? undefined : { script, notRun: step.notRun };
      return { command: step.command, runner: runnerOf(step.command), simple: true, env, ...(seenThrough && { seenThrough }) };
    }
  }
  return { command: script, runner: runnerOf(script), simple: isSimple(script), env };
}

/** A package.json script as npm would run it alone: undefined when pre/post hooks would run too. */
async function scriptOf(cwd: string, name: string): Promise<string | undefined> {
  const scripts = (await readPackageJson(cwd))?.scripts;
  const hooks = scripts?.[`pre${name}`] !== undefined || scripts?.[`post${name}`] !== undefined;
  return hooks ? undefined : scripts?.[name];
}

/** `s` as one shell word: as it is when it is plainly safe, else quoted for the platform's shell (POSIX: single quotes). */
export const shellQuote = (s: string): string => hostPlatform.quote(s);

/**
 * A command that runs only `files` (workspace-relative), or the whole command when that is not
 * possible. The command's own test paths are replaced, so `mocha test/` runs just the files.
 */
export function narrowCommand(expanded: ExpandedCommand, files: string[]): string {
  const runner = runnerNamed(expanded.runner);
  if (!expanded.simple || files.length === 0 || !runner) return expanded.command;
  const line = parseRunnerCommand(runner, expanded.command);
  return line ? joinCommand(runner, { ...line, paths: files.map(shellQuote) }) : expanded.command;
}
