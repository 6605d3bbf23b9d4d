/**
 * Test helper: diagnose a project's failures and run the test-healing engine on them for real —
 * sandbox, baseline run, reruns, classification, Search.verifyWithOutput — the way heal.ts wires it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classificationSources, classify } from '../../../../src/core/analysis/classify';
import { isTestFile } from '../../../../src/core/analysis/localize';
import { initTreeSitter } from '../../../../src/core/analysis/treeSitter';
import { Search } from '../../../../src/core/verify/search';
import { healTestProblem, type TestHealResult } from '../../../../src/core/healing/tests';
import { rerunFailures } from '../../../../src/core/analysis/reruns';
import type { Diagnosis, TestRun } from '../../../../src/core/model';
import { silentLog } from '../../../../src/core/ports';
import { createSandbox } from '../../../../src/core/verify/sandbox';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';
import { makeProject, REPO_ROOT } from '../../../helpers/repo';

/** Copy test/fixtures/test-problems/<name> into a fresh git repo. */
export function testProblemProject(name: string, options: { linkNodeModules?: boolean } = {}): string {
  const src = path.join(REPO_ROOT, 'test', 'fixtures', 'test-problems', name);
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[path.relative(src, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return makeProject(files, options);
}

export interface Healed extends TestHealResult {
  diagnosis: Diagnosis;
  baseline: TestRun;
  /** Text of each file the fix edits, after the fix. */
  after: Record<string, string>;
}

export async function healTestsIn(dir: string, options: { reruns?: number } = {}): Promise<Healed> {
  await initTreeSitter();
  const sandbox = await createSandbox({ root: dir });
  const runner = new ProcessTestRunner();
  const command = 'npm test';
  try {
    const baseline = await runner.run({ cwd: sandbox.cwd, command, timeoutMs: 20_000 });
    const failures = baseline.failures;
    const readText = (rel: string): Promise<string | undefined> => sandbox.read(rel);
    const reruns = await rerunFailures({ runner, cwd: sandbox.cwd, command, failures, times: options.reruns ?? 0, timeoutMs: 20_000 });
    const classification = classify(failures, baseline.output, { reruns, sources: await classificationSources(sandbox.cwd, failures, readText) });
    const diagnosis: Diagnosis = { failures, class: classification.class, evidence: classification.evidence, locations: [] };
    const testFiles = [...new Set(failures.map((f) => f.file).filter((f): f is string => !!f && isTestFile(f)))];
    const search = new Search({ sandbox, runner, command, baseline, targeted: failures.map((f) => f.id), testFiles, timeoutMs: 20_000, log: silentLog });
    try {
      const result = await healTestProblem({
        diagnosis,
        sandbox,
        runner,
        command,
        baseline,
        timeoutMs: 20_000,
        log: silentLog,
        verify: (c) => search.verifyWithOutput(c),
      });
      const after: Record<string, string> = {};
      for (const source of result.files) {
        const edits = result.found!.candidate.edits.filter((e) => e.file === source.file).sort((a, b) => b.start - a.start);
        after[source.file] = edits.reduce((text, e) => text.slice(0, e.start) + e.newText + text.slice(e.end), source.text);
      }
      return { ...result, diagnosis, baseline, after };
    } finally {
      search.dispose();
    }
  } finally {
    await sandbox.dispose();
  }
}
