/**
 * One `self-heal ci` run, fixed down to the commit ids, that the report fixtures are written
 * from: the off-by-one bug healed onto a branch, and a missing environment variable that
 * cannot be healed, in a workspace with one policy mistake.
 */
import type { CiRun } from '../../../src/cli/report/ciRun';
import { outcome } from '../../helpers/outcome';

export function sampleRun(): CiRun {
  const envFailure = outcome({
    id: 'h-e0e0e0e0',
    class: 'infrastructure',
    fix: false,
    reason:
      'The tests need the environment variable API_TOKEN, which is not set where they ran. It is read at src/config.js:2. .env.example lists it. Set it before running the tests (`export API_TOKEN=…`; in GitHub Actions, `env: API_TOKEN: ${{ secrets.API_TOKEN }}`). Self-Heal does not make up a value: it may be a secret.',
  });
  envFailure.failures = [
    {
      ...envFailure.failures[0],
      id: 'uses the token',
      name: 'uses the token',
      file: 'test/config.test.js',
      message: 'Error: Missing required environment variable API_TOKEN\n    at token (src/config.js:3:20)',
      expected: undefined,
      actual: undefined,
    },
  ];
  envFailure.diagnosis = {
    ...envFailure.diagnosis,
    evidence: ['an environment variable is not set: Error: Missing required environment variable API_TOKEN'],
    locations: [{ file: 'src/config.js', start: 0, end: 40, line: 1, score: 1, why: 'stack frame' }],
  };
  envFailure.candidatesTried = 0;
  envFailure.testRuns = 0;
  envFailure.ms = 40;
  return {
    head: { commit: '6a861c5d0b9e4f3a2c1b0a9988776655443322ff', branch: 'main' },
    prefix: '',
    testCommand: 'npm test',
    baseline: { passed: 2, failed: 2 },
    heals: [
      {
        outcome: outcome(),
        decision: { mode: 'suggest', reasons: ['code-bug uses selfHeal.policy.default (suggest)'] },
        branch: { name: 'self-heal/range-h-0ff0b1e0', commit: '4207ba71c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7', pushed: true },
      },
      { outcome: envFailure, decision: { mode: 'suggest', reasons: ['infrastructure uses selfHeal.policy.default (suggest)'] } },
    ],
    engine: 'offline',
    policy: {
      source: '.self-heal.json',
      problems: ['.self-heal.json policy.classes.code-bug: expected one of off | suggest | review | autoApply (got "always"); using the default for code-bug.'],
    },
    uncommitted: 0,
    remote: 'origin',
    repoUrl: 'https://github.com/acme/shop',
    ms: 4700,
    version: '0.1.0',
  };
}
