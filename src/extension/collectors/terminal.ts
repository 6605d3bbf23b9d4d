/**
 * Signal: test commands the user runs in a terminal with shell integration. Output must be read
 * from the moment the command starts (`execution.read()` only yields data written after the first
 * call), so reading begins on start for command lines that look like test runs, and the result is
 * parsed when the command ends.
 */
import * as vscode from 'vscode';
import type { Log } from '../../core/ports';
import { isTestCommand } from '../testCommand';
import type { OutputParser, RecentTerminalRuns, TerminalRun, TestRunSink } from './testRuns';

/** How long to wait for the output stream to drain after the command reported its end. */
const DRAIN_MS = 1500;

export class TerminalTestRuns implements vscode.Disposable {
  private readonly reading = new Map<vscode.TerminalShellExecution, { done: Promise<void>; chunks: string[]; run: TerminalRun }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly listening: () => boolean,
    private readonly parse: OutputParser,
    private readonly sink: TestRunSink,
    private readonly recent: RecentTerminalRuns,
    private readonly log: Log,
    /** Whether a run in this directory is this folder's (multi-root: each folder hears its own). */
    private readonly ours: (cwd: vscode.Uri | undefined) => boolean,
  ) {
    this.subscriptions = [
      vscode.window.onDidStartTerminalShellExecution((event) => this.started(event.execution)),
      vscode.window.onDidEndTerminalShellExecution((event) => void this.ended(event.execution, event.exitCode)),
    ];
  }

  private started(execution: vscode.TerminalShellExecution): void {
    const command = execution.commandLine.value;
    if (!this.listening() || !isTestCommand(command) || !this.ours(execution.cwd)) return;
    const run = this.recent.start(command, performance.now());
    const chunks: string[] = [];
    const done = (async () => {
      for await (const chunk of execution.read()) chunks.push(chunk);
    })().catch((error: unknown) => this.log.warn(`terminal: could not read the output of "${command}": ${String(error)}`));
    this.reading.set(execution, { done, chunks, run });
  }

  private async ended(execution: vscode.TerminalShellExecution, exitCode: number | undefined): Promise<void> {
    const endedAt = performance.now();
    const entry = this.reading.get(execution);
    if (!entry) return;
    this.reading.delete(execution);
    const command = execution.commandLine.value;
    if (exitCode === undefined) {
      this.recent.drop(entry.run);
      this.log.debug(`terminal: "${command}" ended without an exit code; ignored`);
      return;
    }
    this.recent.end(entry.run, endedAt);
    await Promise.race([entry.done, new Promise((resolve) => setTimeout(resolve, DRAIN_MS))]);
    try {
      const failures = exitCode === 0 ? [] : await this.parse(entry.chunks.join(''), command);
      this.log.info(`terminal: "${command}" exited ${exitCode} with ${failures.length} parsed failure(s)`);
      this.sink({ source: 'terminal', command, exitCode, failures, endedAt });
    } catch (error) {
      this.log.warn(`terminal: could not parse the output of "${command}": ${String(error)}`);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
