/**
 * The real test run: the workspace's own command in the sandbox, parsed into per-test outcomes.
 * Used for the baseline and for the authoritative verification of every candidate.
 *
 * Where we control the arguments, the runner also loads our reporter (src/reporters, by path) and
 * its report is read. If that run gives no usable report, or never ends, and the plain command
 * does not, the plain command is what the project understands: its human output is used for the
 * rest of this runner's life (one heal), and the log says so. The user is never told their tests
 * hang because of a flag we added.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestRun } from '../model';
import { Failure } from '../model';
import { silentLog, type Log, type TestRunner, type TestRunRequest } from '../ports';
import { reportersDir, runnerNamed, installedVersion, type RunnerDescriptor } from '../runners';
import { joinCommand, parseRunnerCommand, withoutFlags } from '../runners/commandLine';
import { parseHumanOutput } from '../runners/humanOutput';
import { withoutNodeWarnings } from '../signals/nodeWarnings';
import type { ParseResult } from '../signals/failure';
import { parseStack } from '../signals/stack';
import { expandCommand, narrowCommand, shellQuote } from './testCommand';
import { runProcess, type ProcessResult } from './process';

const OUTPUT_KEPT = 64 * 1024;

/** Whether our reporter works for a command: unknown until one run says. */
type ReporterState = 'works' | 'plain';

export class ProcessTestRunner implements TestRunner {
  private readonly reporterStates = new Map<string, ReporterState>();
  private readonly announced = new Set<string>();

  constructor(private readonly log: Log = silentLog) {}

  async narrows(request: { cwd: string; command: string; files: string[] }): Promise<boolean> {
    const expanded = await expandCommand(request.cwd, request.command);
    return request.files.length > 0 && narrowCommand(expanded, request.files) !== expanded.command;
  }

  async run(request: TestRunRequest): Promise<TestRun> {
    const expanded = await expandCommand(request.cwd, request.command);
    const runner = runnerNamed(expanded.runner);
    const command = request.files?.length ? narrowCommand(expanded, request.files) : expanded.command;
    const key = `${request.cwd}\0${expanded.command}`;
    if (expanded.seenThrough && !this.announced.has(key)) {
      this.announced.add(key);
      const { script, notRun } = expanded.seenThrough;
      this.log.info(
        `\`${request.command}\` runs \`${script}\`; Self-Heal runs its test step directly, so it can read each test's result and run single tests: \`${expanded.command}\`.` +
          (notRun.length
            ? ` Not run while healing: ${notRun.map((step) => `\`${step}\``).join(', ')} (dependency installs, linters, and a coverage re-run of the same tests).`
            : ''),
      );
    }
    const reporting = runner && expanded.simple && this.reporterStates.get(key) !== 'plain' ? withReporter(runner, command) : undefined;
    const env = { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', NODE_ENV: 'test', ...expanded.env, ...request.env };
    if (reporting && runner) {
      try {
        const result = await runProcess({ ...processRequest(request, reporting.command), env: { ...env, ...reporting.env } });
        const report = await readReport(runner, reporting.reportFile, request.cwd);
        // A report, even of no test (a name filter that selects none), shows our reporter works.
        if (report) this.reporterStates.set(key, 'works');
        if (this.reporterStates.get(key) === 'works' || result.cancelled)
          return toTestRun(request, result, report?.outcomes.length ? report : parseHumanOutput(result, runner, request.cwd));
        // No usable report yet from this command: see whether the command works without our reporter.
        // Only a plain run that shows tests is evidence; one that runs none says nothing either way.
        const plain = await runProcess({ ...processRequest(request, command), env });
        const parsed = parseHumanOutput(plain, runner, request.cwd);
        if (!plain.timedOut && !plain.cancelled && parsed.outcomes.length > 0) {
          this.reporterStates.set(key, 'plain');
          const why = result.timedOut ? `did not finish within ${seconds(request.timeoutMs)} s` : `wrote no report (exit ${result.exitCode ?? result.signal})`;
          const version = await installedVersion(runner, request.cwd);
          this.log.warn(
            `The tests ${why} with Self-Heal's ${runner.name} reporter${version ? ` (${runner.name} ${version})` : ''} but ran without it, so Self-Heal reads the command's own output for the rest of this heal.`,
          );
        }
        return toTestRun(request, plain, parsed);
      } finally {
        await fs.rm(reporting.reportFile, { force: true });
      }
    }
    const result = await runProcess({ ...processRequest(request, command), env });
    return toTestRun(request, result, parseHumanOutput(result, runner, request.cwd));
  }
}

const seconds = (ms: number): number => Math.round(ms / 1000);

function processRequest(request: TestRunRequest, command: string): { command: string; cwd: string; timeoutMs: number; signal?: AbortSignal } {
  return { command, cwd: request.cwd, timeoutMs: request.timeoutMs, signal: request.signal };
}

/** `command` with our reporter in place of the runner's own reporter flags. */
function withReporter(runner: RunnerDescriptor, command: string): { command: string; env: Record<string, string>; reportFile: string } | undefined {
  const reportFile = path.join(os.tmpdir(), `self-heal-report-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const plan = runner.reporter(reportersDir(), reportFile);
  const line = plan && parseRunnerCommand(runner, command);
  if (!plan || !line) return undefined;
  const flags = [...withoutFlags(runner, line.flags, plan.replaces), ...plan.args.map(shellQuote)];
  return { command: joinCommand(runner, { ...line, flags }), env: plan.env, reportFile };
}

/** The report's results, or undefined when there is no report or it holds nothing we can read. */
async function readReport(runner: RunnerDescriptor, file: string, root: string): Promise<ParseResult | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return runner.parseReport(text, root);
  } catch {
    return undefined;
  }
}

function toTestRun(request: TestRunRequest, result: ProcessResult, parsed: ParseResult): TestRun {
  const failures = [...parsed.failures];
  const output = withoutNodeWarnings(result.output);
  // A failing command that reported no failing test (a file that does not load, a missing
  // module, a crash) is still a failure: name it after the command so it can be diagnosed.
  if (failures.length === 0 && (result.exitCode ?? 1) !== 0 && !result.cancelled) {
    failures.push(
      Failure.parse({
        id: `command: ${request.command}`,
        name: request.command,
        message: result.timedOut ? `The test command did not finish within ${seconds(request.timeoutMs)} s.` : lastLines(output, 12),
        stack: parseStack(output, request.cwd),
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

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
