/**
 * A HumanEvalFix task as stored in tasks.jsonl (one original JSON line per task; see
 * bench/data/humanevalfix-js/README.md). Lines are validated, so a malformed `--tasks` file is a
 * clear error naming the line, not a crash half-way through a run.
 */
import * as fs from 'node:fs/promises';
import { z } from 'zod';

export const Task = z.object({
  task_id: z.string(),
  declaration: z.string(),
  buggy_solution: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
  entry_point: z.string().regex(/^[A-Za-z_$][\w$]*$/),
  bug_type: z.string().default('unknown'),
  failure_symptoms: z.string().optional(),
});
export type Task = z.infer<typeof Task>;

export async function loadTasks(file: string): Promise<Task[]> {
  const text = await fs.readFile(file, 'utf8');
  const tasks: Task[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1} is not JSON (${(error as Error).message}).`);
    }
    const parsed = Task.safeParse(json);
    if (!parsed.success)
      throw new Error(`${file}:${index + 1} is not a task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    tasks.push(parsed.data);
  }
  return tasks;
}

/** The module under repair: the buggy code byte-for-byte, so a fix is a real edit of real source. */
export function sourceOf(task: Task, body: string): string {
  return `${task.declaration}${body}\nmodule.exports = { ${task.entry_point} };\n`;
}

/**
 * The task's test as one node:test test. `console.assert` only prints in Node, so it becomes
 * `assert.ok`, which throws (the recipe in the data README); the test's own call of its test
 * function then runs inside the node:test test.
 */
export function testOf(task: Task): string {
  const body = task.test.replaceAll('console.assert(', 'assert.ok(').replace(/\n+$/, '');
  const indented = body
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
  return [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    `const { ${task.entry_point} } = require('../src/${task.entry_point}');`,
    '',
    `test('${task.entry_point}', () => {`,
    indented,
    '});',
    '',
  ].join('\n');
}

export const sourcePath = (task: Task): string => `src/${task.entry_point}.js`;
export const testPath = (task: Task): string => `test/${task.entry_point}.test.js`;
