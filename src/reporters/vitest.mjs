/*
 * Self-Heal's vitest reporter: writes the shape of vitest's JSON reporter (testResults[] of
 * assertionResults[]) to the file named by SELF_HEAL_REPORT_FILE. Vitest 3 calls onFinished(files)
 * and, from 3.0, onTestRunEnd(testModules); vitest 4 removed onFinished. Whichever comes first
 * writes. Plain ES module and no dependencies: it is loaded by path into the user's vitest.
 */
import { writeFileSync } from 'node:fs';

const STATUS = { pass: 'passed', fail: 'failed', skip: 'skipped', todo: 'skipped' };

// A suite whose hook failed has errors of its own and leaves its tests unrun: those tests are
// failures (as jest reports them), not skips, or the hook's failure would be lost.
function testsOf(task, ancestors, out, suiteErrors) {
  const errors =
    task.type === 'suite' && task.result && task.result.state === 'fail' && task.result.errors && task.result.errors.length ? task.result.errors : suiteErrors;
  for (const child of task.tasks || []) {
    if (child.type === 'suite') testsOf(child, [...ancestors, child.name], out, errors);
    else out.push({ task: child, ancestors, suiteErrors: errors });
  }
  return out;
}

function outcomeOf(task, suiteErrors) {
  const state = (task.result && task.result.state) || task.mode;
  if (suiteErrors && state !== 'pass' && state !== 'fail') return { status: 'failed', errors: suiteErrors };
  return { status: STATUS[state] || 'skipped', errors: (task.result && task.result.errors) || [] };
}

function fileResult(file) {
  const tests = testsOf(file, [], [], undefined).map((test) => ({ ...test, ...outcomeOf(test.task, test.suiteErrors) }));
  const failed = (file.result && file.result.state === 'fail') || tests.some((test) => test.status === 'failed');
  return {
    name: file.filepath,
    status: failed ? 'failed' : 'passed',
    message: (file.result && file.result.errors && file.result.errors[0] && file.result.errors[0].message) || '',
    assertionResults: tests.map(({ task, ancestors, status, errors }) => ({
      ancestorTitles: ancestors,
      fullName: [...ancestors, task.name].join(' '),
      title: task.name,
      status,
      failureMessages: errors.map((e) => e.stack || e.message),
      location: task.location,
    })),
  };
}

export default class SelfHealReporter {
  written = false;

  write(files) {
    if (this.written) return;
    this.written = true;
    const file = process.env.SELF_HEAL_REPORT_FILE;
    if (file) writeFileSync(file, JSON.stringify({ testResults: files.map(fileResult) }));
  }

  onTestRunEnd(testModules) {
    this.write(testModules.map((module) => module.task));
  }

  onFinished(files) {
    this.write(files || []);
  }
}
