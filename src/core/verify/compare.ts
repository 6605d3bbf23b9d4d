/**
 * The acceptance rule, judged per test and never by exit code alone: a candidate is verified only
 * when every targeted failing test now passes and no test that passed at baseline fails (or
 * vanishes, which is how a test file that no longer loads shows up).
 */
import type { Evidence, TestRun } from '../model';

export interface Comparison {
  verified: boolean;
  evidence: Evidence;
  stillFailing: string[];
  /** Baseline failures outside the target that this run fixes as well. */
  alsoFixed: string[];
  reason: string;
}

export function statusMap(run: Pick<TestRun, 'outcomes'>): Map<string, string> {
  return new Map(run.outcomes.map((o) => [o.id, o.status]));
}

export function compareRuns(baseline: TestRun, candidate: TestRun, targeted: string[]): Comparison {
  const now = statusMap(candidate);
  const before = statusMap(baseline);
  const candidateFailed = new Set(candidate.failures.map((f) => f.id));
  // A test file that could not load is reported under its path (node:test); once it loads, its
  // tests report under their own names. It passes when none of them fails and more tests pass.
  const loadedNow = (id: string): boolean =>
    baseline.failures.some((f) => f.id === id && f.file === id) &&
    !candidate.failures.some((f) => f.file === id) &&
    candidate.outcomes.filter((o) => o.status === 'passed').length > baseline.outcomes.filter((o) => o.status === 'passed').length;
  const passedNow = (id: string): boolean =>
    now.get(id) === 'passed' || (!now.has(id) && !candidateFailed.has(id) && ((id.startsWith('command: ') && candidate.exitCode === 0) || loadedNow(id)));
  const stillFailing = targeted.filter((id) => !passedNow(id));
  const newlyFailing = [...before].filter(([id, status]) => status === 'passed' && now.get(id) !== 'passed').map(([id]) => id);
  const alsoFixed = [...before].filter(([id, status]) => status === 'failed' && !targeted.includes(id) && now.get(id) === 'passed').map(([id]) => id);
  const counted = candidate.outcomes.filter((o) => o.status !== 'skipped');
  const evidence: Evidence = {
    targeted: { passed: targeted.length - stillFailing.length, total: targeted.length },
    suite: { passed: counted.filter((o) => o.status === 'passed').length, total: counted.length, newlyFailing },
  };
  const timedOut = candidate.timedOut;
  const verified =
    !timedOut &&
    stillFailing.length === 0 &&
    newlyFailing.length === 0 &&
    (candidate.exitCode === 0 ||
      candidate.failures.length === 0 ||
      candidate.failures.every((f) => !targeted.includes(f.id) && before.get(f.id) !== 'passed' && !f.id.startsWith('command: ')));
  let reason = 'all targeted tests pass and nothing regressed';
  if (timedOut) reason = 'the test run timed out';
  else if (stillFailing.length > 0) reason = `${stillFailing.length} of ${targeted.length} targeted test(s) still fail`;
  else if (newlyFailing.length > 0) reason = `breaks ${newlyFailing.length} test(s) that passed before: ${newlyFailing.slice(0, 3).join(', ')}`;
  else if (!verified) reason = 'the test command still fails';
  return { verified, evidence, stillFailing, alsoFixed, reason };
}
