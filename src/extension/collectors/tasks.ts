/**
 * Signal: test and build tasks that end. The task API gives the exit code but not the output, so:
 * build tasks (tsc, eslint) already surface as diagnostics through their problem matchers and need
 * nothing here; a failed test task is re-run through the core's process runner (trusted workspaces
 * only) to get per-test failures.
 */
import * as vscode from 'vscode';
import type { Failure } from '../../core/model';
import type { Log } from '../../core/ports';
import { taskShape } from '../adapters/tasks';
import { commandOfTask, isTestCommand } from '../testCommand';
import type { RecentTerminalRuns, TestRunSink } from './testRuns';

/** The terminal's end event and the task's end event arrive in either order, within milliseconds. */
const SETTLE_MS = 300;

/** Tasks Self-Heal creates itself carry this source, so their ends are not signals. */
export const OUR_TASK_SOURCE = 'Self-Heal';

export type Rerun = (command: string) => Promise<{ exitCode: number | null; failures: Failure[] }>;

/** What became of a test task's end: read by a terminal, a signal of its own, a re-run for its failures, or nothing (untrusted). */
export interface TaskDecision {
  task: string;
  command: string;
  outcome: 'read in its terminal' | 'passed' | 're-run' | 'not re-run';
}

export class TaskTestRuns implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private readonly decided = new vscode.EventEmitter<TaskDecision>();
  /** Fires once per test task that ended (the real-VS-Code suite checks one signal per run). */
  readonly onDidDecide = this.decided.event;

  constructor(
    private readonly listening: () => boolean,
    private readonly mayRunTests: () => boolean,
    private readonly rerun: Rerun,
    private readonly sink: TestRunSink,
    private readonly recent: RecentTerminalRuns,
    private readonly log: Log,
    /** Whether a task of this scope is this folder's (multi-root: each folder hears its own). */
    private readonly ours: (scope: vscode.Task['scope']) => boolean,
  ) {
    this.subscription = vscode.tasks.onDidEndTaskProcess((event) => void this.ended(event.execution.task, event.exitCode));
  }

  private async ended(task: vscode.Task, exitCode: number | undefined): Promise<void> {
    const endedAt = performance.now();
    if (!this.listening() || exitCode === undefined || task.source === OUR_TASK_SOURCE || !this.ours(task.scope)) return;
    const shape = taskShape(task);
    const command = commandOfTask(shape);
    if (!command || !(shape.isTestGroup || isTestCommand(command))) return;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const decide = (outcome: TaskDecision['outcome']): void => this.decided.fire({ task: task.name, command, outcome });
    if (this.recent.saw(command, endedAt)) {
      this.log.debug(`task: "${task.name}" ran in a terminal with shell integration; its output was read there`);
      decide('read in its terminal');
      return;
    }
    if (exitCode === 0) {
      this.sink({ source: 'task', command, exitCode, failures: [], endedAt });
      decide('passed');
      return;
    }
    if (!this.mayRunTests()) {
      this.log.info(`task: "${task.name}" failed; not re-running it to find the failures (untrusted workspace)`);
      decide('not re-run');
      return;
    }
    decide('re-run');
    try {
      const run = await this.rerun(command);
      this.log.info(`task: "${task.name}" exited ${exitCode}; re-run found ${run.failures.length} failure(s)`);
      this.sink({ source: 'task', command, exitCode, failures: run.failures, endedAt });
    } catch (error) {
      this.log.warn(`task: could not re-run "${command}" to read its failures: ${String(error)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.decided.dispose();
  }
}
