/**
 * Smoke test of the benchmark harness (bench/run.ts) on a few HumanEvalFix tasks: that it runs
 * end to end and reports what it should, and that its workspaces and grading are sound. It does
 * not assert the engine's accuracy; `npm run bench` measures that.
 */
import assert from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compareBehaviour } from '../../bench/grading/grade';
import { humanEvalFixCase } from '../../bench/humanevalfix/cases';
import { loadTasks, sourceOf, type Task } from '../../bench/humanevalfix/task';
import { createWorkspace } from '../../bench/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
const TASKS = path.join(ROOT, 'bench', 'data', 'humanevalfix-js', 'tasks.jsonl');
/** Small, quick tasks: a float one, a list one, and 162, which needs js-md5. */
const PICKED = ['JavaScript/2', 'JavaScript/3', 'JavaScript/162'];

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // Inherited from `node --test`, it would make nested test runs report here instead of exiting.
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function run(command: string, args: string[], cwd: string, timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(command, args, { cwd, timeout, killSignal: 'SIGKILL', env: childEnv(), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

async function picked(): Promise<Task[]> {
  const tasks = await loadTasks(TASKS);
  return PICKED.map((id) => tasks.find((t) => t.task_id === id)!);
}

describe('benchmark harness', () => {
  it('builds workspaces where the buggy code fails its test and the canonical code passes', async () => {
    for (const task of await picked()) {
      const c = humanEvalFixCase(task);
      const workspace = await createWorkspace(c.id, c.files, c.packages);
      try {
        assert.notStrictEqual((await run('node', ['--test'], workspace.dir, 20_000)).code, 0, `${task.task_id}: the buggy version passed`);
        await fs.writeFile(path.join(workspace.dir, c.target), sourceOf(task, task.canonical_solution));
        const fixed = await run('node', ['--test'], workspace.dir, 20_000);
        assert.strictEqual(fixed.code, 0, `${task.task_id}: the canonical version failed:\n${fixed.stdout}`);
      } finally {
        await workspace.dispose();
      }
    }
  });

  it('grades a patch that passes the tests but differs from the canonical solution as not correct', async () => {
    const [, belowZero] = await picked();
    const c = humanEvalFixCase(belowZero);
    // Starting the balance at 1 happens to satisfy the task's assertions but is wrong for [2, -4, …].
    const overfit = sourceOf(belowZero, belowZero.canonical_solution.replace('var balance = 0', 'var balance = 1'));
    const wrong = await compareBehaviour({ reference: c.references[0], candidate: overfit, entries: c.entries, driver: c.driver, requireFrom: ROOT });
    assert.strictEqual(wrong.correct, false);
    assert.ok(wrong.mismatches > 0 && wrong.firstMismatch, 'a mismatch is reported with its input');
    const same = await compareBehaviour({
      reference: c.references[0],
      candidate: sourceOf(belowZero, belowZero.canonical_solution),
      entries: c.entries,
      driver: c.driver,
      requireFrom: ROOT,
    });
    assert.strictEqual(same.correct, true);
    assert.ok(same.compared > same.recorded, 'neighbours of the recorded inputs are compared too');
  });

  it('runs the heal pipeline on a few tasks and writes results JSON and a chart', { timeout: 300_000 }, async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-bench-smoke-'));
    try {
      const json = path.join(out, 'results.json');
      const result = await run(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--limit', '2', '--jobs', '1', '--baseline', '--json', json],
        ROOT,
        280_000,
      );
      assert.strictEqual(result.code, 0, result.stderr);
      assert.match(result.stdout, /overall/);
      assert.match(result.stdout, /OctoCoder pass@1/);
      const report = JSON.parse(await fs.readFile(json, 'utf8')) as {
        machine: { cores: number; node: string };
        runs: Array<{
          suite: string;
          engine: string;
          summary: { overall: Record<string, unknown>; byClass: unknown[] };
          results: Array<Record<string, unknown>>;
        }>;
      };
      assert.ok(report.machine.cores >= 1 && report.machine.node.startsWith('v'));
      const [bench] = report.runs;
      assert.strictEqual(bench.suite, 'humanevalfix');
      assert.strictEqual(bench.engine, 'offline');
      assert.strictEqual(bench.results.length, 2);
      for (const key of ['tasks', 'plausiblePct', 'correctPct', 'overfitPct', 'timeToFixMs', 'perTaskMs', 'candidatesMedian', 'testRunsMedian', 'regressions'])
        assert.ok(key in bench.summary.overall, `summary has ${key}`);
      assert.strictEqual(bench.summary.overall.tasks, 2);
      for (const r of bench.results) {
        assert.ok(['fixed', 'not-fixed', 'error'].includes(r.status as string), `status of ${String(r.id)}`);
        assert.strictEqual(r.overfit, r.plausible === true && r.correct !== true);
        assert.deepStrictEqual(r.regressions, []);
      }
      const svg = await fs.readFile(path.join(out, 'humanevalfix.svg'), 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.doesNotMatch(svg, /<script|href=/, 'the chart is self-contained');
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }
  });

  it('says which suites exist, instead of failing obscurely, for one that does not', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--suite', 'speed'], ROOT, 60_000);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /--suite must be one of humanevalfix, examples, synthetic, all, scale, bugsjs, got "speed"/);
  });
});
