/**
 * Which command verifies a fix, and which commands are test runs worth listening to.
 * Order (issue 4): `selfHeal.testCommand`, then the workspace's task in the Test group, then
 * `npm test` when package.json has a test script. Pure, so the unit tests can pin the rules.
 */

/** The part of a VS Code task this module needs, already flattened by the caller. */
export interface TaskShape {
  name: string;
  source: string;
  isTestGroup: boolean;
  isDefault: boolean;
  /** `shell`/`process` command line, or undefined for tasks without one (e.g. custom executions). */
  commandLine?: string;
  /** For `npm` tasks: the script name. */
  npmScript?: string;
}

export function commandOfTask(task: TaskShape): string | undefined {
  if (task.npmScript) return task.npmScript === 'test' ? 'npm test' : `npm run ${task.npmScript}`;
  return task.commandLine?.trim() || undefined;
}

export interface TestCommandInputs {
  setting?: string;
  tasks: TaskShape[];
  hasTestScript: boolean;
}

export type TestCommandChoice = { command: string; from: 'setting' | 'task' | 'npm' } | { command: undefined; message: string };

export function chooseTestCommand(inputs: TestCommandInputs): TestCommandChoice {
  if (inputs.setting?.trim()) return { command: inputs.setting.trim(), from: 'setting' };
  // Prefer the default test task, then user-defined (tasks.json) over auto-detected ones.
  const testTasks = inputs.tasks
    .filter((task) => task.isTestGroup && commandOfTask(task))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || Number(b.source === 'Workspace') - Number(a.source === 'Workspace'));
  const task = testTasks[0];
  if (task) return { command: commandOfTask(task)!, from: 'task' };
  if (inputs.hasTestScript) return { command: 'npm test', from: 'npm' };
  return {
    command: undefined,
    message: 'No test command found. Set `selfHeal.testCommand`, add a task in the Test group, or add a `test` script to package.json.',
  };
}

const testRunners = /(^|[\s/;&|(])(node\s+(?:[^|;&]*\s)?--test|mocha|jest|vitest|ava|tap)(\s|$)/;
const npmTest = /(^|[\s;&|(])(npm|pnpm|yarn|bun)\s+(?:run\s+)?(test|t)(\s|:|$)|(^|[\s;&|(])npx\s+(mocha|jest|vitest)\b/;

const packageScript = /^(npm|pnpm|yarn|bun)\s+(?:run-script\s+|run\s+)?(test|t)(?=\s|$)/;

/**
 * Two command lines that run the same tests: the same words, with a package manager's `test`
 * spelled any of its ways (the npm task provider runs `npm run test` where a person types
 * `npm test`), and without the line VS Code echoes before a task, so one run seen by a terminal and a task is recognised as one (issue 15 §8).
 */
export function sameTestCommand(a: string, b: string): boolean {
  // A task's terminal may report the line VS Code echoes before the task (" *  Executing task: …") as its command.
  const normal = (line: string): string =>
    line
      .trim()
      .replace(/^\*\s+Executing task:\s*/, '')
      .replace(/\s+/g, ' ')
      .replace(packageScript, '$1 test');
  return normal(a) === normal(b);
}

/** True for command lines that run tests: npm test, node --test, mocha, jest, vitest and friends. */
export function isTestCommand(commandLine: string): boolean {
  const line = commandLine.trim();
  return npmTest.test(line) || testRunners.test(line);
}
