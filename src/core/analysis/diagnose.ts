/**
 * The diagnosis stage (paper §4.2): from a group of failures to one Diagnosis that no later stage
 * changes. In order:
 *   1. reruns of the failing tests on the unchanged code (reruns.ts): a test that passes once is flaky;
 *   2. the class, from the failure text, the reruns and the test's source (classify.ts);
 *   3. an environment problem the infra engine knows (environment.ts): it takes the class when it
 *      is one only a person or a template can fix; a test time limit is kept beside the class,
 *      because a test that fails with more time too may be a code bug;
 *   4. the ranked suspects: stack frames and the test's imports through the module graph
 *      (localize.ts), then spectrum-based fault localization (sbfl.ts), only when code may change.
 */
import type { Diagnosis, Failure, Location, TestRun } from '../model';
import { healingRoute } from '../model';
import type { Log, TestRunner } from '../ports';
import type { RerunResult } from '../verify/search';
import { classificationSources, classify } from './classify';
import { detectInfraProblem, type InfraProblem } from './environment';
import { isTestFile, localize } from './localize';
import { DEFAULT_RERUNS, rerunFailures } from './reruns';
import { spectrumLocations } from './sbfl';

export interface DiagnoseInput {
  failures: Failure[];
  baseline: TestRun;
  /** The sandbox, where the tests run and files are read. */
  cwd: string;
  readText: (rel: string) => Promise<string | undefined>;
  runner: TestRunner;
  command: string;
  timeoutMs: number;
  /** The most reruns per failure (selfHeal.flakyReruns); 0 turns the flaky check off. */
  flakyReruns?: number;
  /** Reruns in-process (the verifier's screen), when it can run these tests. */
  rerunInProcess?: (times: number) => Promise<Map<string, RerunResult> | undefined>;
  signal?: AbortSignal;
  log: Log;
}

export interface Diagnosed {
  readonly diagnosis: Readonly<Diagnosis>;
  /** An environment problem the infra engine knows a fix or advice for; tried before any other engine. */
  readonly environment?: InfraProblem;
}

export async function diagnose(input: DiagnoseInput): Promise<Diagnosed> {
  const { failures, cwd, readText } = input;
  // Rerun first: a test that passes on the unchanged code sometimes must not drive a code change.
  const reruns = await rerunFailures({
    runner: input.runner,
    cwd,
    command: input.command,
    failures,
    times: input.flakyReruns ?? DEFAULT_RERUNS,
    timeoutMs: input.timeoutMs,
    signal: input.signal,
    log: input.log,
    inProcess: input.rerunInProcess,
  });
  const classification = classify(failures, input.baseline.output, { reruns, sources: await classificationSources(cwd, failures, readText) });
  const environment = detectInfraProblem(failures, input.baseline.output, cwd);
  const decisive = environment && environment.kind !== 'test-timeout';
  const cls = decisive ? 'infrastructure' : classification.class;
  const evidence = decisive ? [environment.evidence] : classification.evidence;
  let locations: Location[] = (await localize(cwd, failures, readText)).filter((l) => !isTestFile(l.file));
  if (healingRoute(cls) === 'code' && !decisive && locations.length > 0) {
    locations = (
      await spectrumLocations({
        cwd,
        command: input.command,
        runner: input.runner,
        baseline: input.baseline,
        failures,
        base: locations,
        readText,
        timeoutMs: input.timeoutMs,
        signal: input.signal,
        log: input.log,
      })
    ).locations;
  }
  return { diagnosis: Object.freeze({ failures, class: cls, evidence, locations }), environment };
}
