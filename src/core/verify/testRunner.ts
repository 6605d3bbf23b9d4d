/**
 * The real test run: the workspace's own command in the sandbox, parsed into per-test outcomes.
 * Used for the baseline and for the authoritative verification of every candidate.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestRun } from '../model';
import { Failure } from '../model';
import type { TestRunner, TestRunRequest } from '../ports';
import { parseReportFile, parseTestOutput, reporterArgs } from '../signals';
import { parseStack } from '../signals/stack';
import { expandCommand, narrowCommand } from './testCommand';
import { runProcess } from './process';

const OUTPUT_KEPT = 64 * 1024;

export class ProcessTestRunner implements TestRunner {
  async run(request: TestRunRequest): Promise<TestRun> {
    const expanded = await expandCommand(request.cwd, request.command);
    let command = request.files?.length ? narrowCommand(expanded, request.files) : expanded.command;
    let reportFile: string | undefined;
    if (expanded.simple && expanded.runner !== 'unknown') {
      const args = reporterArgs(expanded.runner, path.join(os.tmpdir(), `self-heal-report-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`));
      if (args.length > 0) {
        reportFile = args.find((a) => a.startsWith('--outputFile='))?.slice('--outputFile='.length) ?? args.find((a) => a.startsWith('output='))?.slice('output='.length);
        command = `${command} ${args.map((a) => (/^[\w./=:@-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;
      }
    }
    const result = await runProcess({
      command,
      cwd: request.cwd,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', NODE_ENV: 'test', ...expanded.env, ...request.env },
    });
    let parsed = { outcomes: [] as TestRun['outcomes'], failures: [] as Failure[] };
    if (reportFile) {
      const report = await fs.readFile(reportFile, 'utf8').catch(() => undefined);
      await fs.rm(reportFile, { force: true });
      if (report) parsed = parseReportFile(expanded.runner, report, request.cwd);
    }
    if (parsed.outcomes.length === 0) parsed = parseTestOutput(result.output, { runner: expanded.runner === 'unknown' ? undefined : expanded.runner, root: request.cwd });
    const failures = [...parsed.failures];
    // A failing command that reported no failing test (a file that does not load, a missing
    // module, a crash) is still a failure: name it after the command so it can be diagnosed.
    if (failures.length === 0 && (result.exitCode ?? 1) !== 0 && !result.cancelled) {
      failures.push(
        Failure.parse({
          id: `command: ${request.command}`,
          name: request.command,
          message: result.timedOut ? `The test command did not finish within ${Math.round(request.timeoutMs / 1000)} s.` : lastLines(result.output, 12),
          stack: parseStack(result.output, request.cwd),
          source: 'test-run',
        }),
      );
    }
    return {
      outcomes: parsed.outcomes,
      failures,
      exitCode: result.exitCode,
      signal: result.signal && !result.timedOut && !result.cancelled ? result.signal : undefined,
      timedOut: result.timedOut,
      ms: result.ms,
      output: result.output.length > OUTPUT_KEPT ? result.output.slice(-OUTPUT_KEPT) : result.output,
    };
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
