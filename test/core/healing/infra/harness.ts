/**
 * The infra engine as heal.ts runs it: a real sandbox of a real project, its baseline run, and
 * candidates verified through the same Search the other engines use (real test runs, rollback).
 */
import { isTestFile } from '../../../../src/core/analysis/localize';
import type { InfraEngineInput } from '../../../../src/core/healing/infra/engine';
import { Search } from '../../../../src/core/verify/search';
import type { Candidate, TestRun } from '../../../../src/core/model';
import { silentLog } from '../../../../src/core/ports';
import { createSandbox, type Sandbox } from '../../../../src/core/verify/sandbox';
import { defaultTestCommand } from '../../../../src/core/verify/testCommand';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';

export interface Harness {
  sandbox: Sandbox;
  baseline: TestRun;
  /** The engine's input, less what a test adds (an installer). */
  input: InfraEngineInput;
  verified: Candidate[];
  dispose(): Promise<void>;
}

export async function infraHarness(root: string): Promise<Harness> {
  const sandbox = await createSandbox({ root });
  const runner = new ProcessTestRunner();
  const command = await defaultTestCommand(root);
  const baseline = await runner.run({ cwd: sandbox.cwd, command, timeoutMs: 60_000 });
  const failures = baseline.failures;
  const testFiles = [...new Set(failures.flatMap((f) => (f.file && isTestFile(f.file) ? [f.file] : [])))];
  const search = new Search({ sandbox, runner, command, baseline, targeted: failures.map((f) => f.id), testFiles, timeoutMs: 30_000, log: silentLog });
  const verified: Candidate[] = [];
  const input: InfraEngineInput = {
    failures,
    output: baseline.output,
    sandbox,
    workspaceRoot: root,
    log: silentLog,
    async verify(candidate) {
      const verdict = await search.verifyWithOutput(candidate);
      if (verdict.found) verified.push(candidate);
      return verdict;
    },
  };
  return {
    sandbox,
    baseline,
    input,
    verified,
    async dispose() {
      search.dispose();
      await sandbox.dispose();
    },
  };
}
