/** HumanEvalFix tasks as benchmark cases: a one-module package with the task's test as one node:test test. */
import type { BenchCase } from '../runCase';
import { requiredPackages } from '../workspace';
import { sourceOf, sourcePath, testOf, testPath, type Task } from './task';

export function humanEvalFixCase(task: Task): BenchCase {
  const buggy = sourceOf(task, task.buggy_solution);
  const reference = sourceOf(task, task.canonical_solution);
  const packageJson = { name: `task-${task.task_id.replace(/\W+/g, '-').toLowerCase()}`, private: true, scripts: { test: 'node --test' } };
  return {
    id: task.task_id,
    suite: 'humanevalfix',
    bugType: task.bug_type,
    files: { 'package.json': JSON.stringify(packageJson, null, 2) + '\n', [sourcePath(task)]: buggy, [testPath(task)]: testOf(task) },
    packages: requiredPackages(buggy, reference, task.test),
    target: sourcePath(task),
    references: [reference],
    // The original test calls the function as a global; the grader provides it as one.
    driver: task.test,
    entries: [task.entry_point],
  };
}
