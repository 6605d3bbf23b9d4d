import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPORT_MARKER, renderErrorMarkdown, renderMarkdown } from '../../../src/cli/report/markdown';
import { outcome } from '../../helpers/outcome';
import { REPO_ROOT } from '../../helpers/repo';
import { sampleRun } from './sampleRun';

/**
 * The expected reports are files a person reviews by reading them (and by pasting them into a
 * GitHub comment preview). After an intended change: SELF_HEAL_UPDATE_FIXTURES=1, then read the diff.
 */
function matchesFixture(actual: string, name: string): void {
  const file = path.join(REPO_ROOT, 'test/fixtures/report', name);
  if (process.env.SELF_HEAL_UPDATE_FIXTURES === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `differs from test/fixtures/report/${name}`);
}

describe('the Markdown CI report', () => {
  it('matches the reviewed report for a healed and an unhealed failure', () => {
    matchesFixture(renderMarkdown(sampleRun()), 'ci-report.md');
  });

  it('matches the reviewed report when every test passes', () => {
    matchesFixture(
      renderMarkdown({ ...sampleRun(), heals: [], baseline: { passed: 12, failed: 0 }, policy: { source: 'defaults', problems: [] } }),
      'ci-report-all-pass.md',
    );
  });

  it('gives the confidence of a ranked fix, "verified, ambiguous" with the count when the tests cannot tell', () => {
    const run = sampleRun();
    run.heals[0].outcome.fix!.evidence.confidence = { level: 'ambiguous', alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] };
    assert.match(renderMarkdown(run), /\n\*\*Confidence:\*\* verified, ambiguous: 2 other verified fixes pass the tests too\.\n/);
    run.heals[0].outcome.fix!.evidence.confidence = { level: 'verified', alternatives: 0, reasons: [] };
    assert.match(renderMarkdown(run), /\n\*\*Confidence:\*\* verified\.\n/);
  });

  it('starts with a marker a workflow can find its earlier comment by', () => {
    assert.ok(renderMarkdown(sampleRun()).startsWith(`${REPORT_MARKER}\n`));
    assert.ok(renderErrorMarkdown('No test command found.', '0.1.0').startsWith(`${REPORT_MARKER}\n`));
  });

  it('keeps code blocks closed when the failure output holds backtick fences', () => {
    const run = sampleRun();
    run.heals[0].outcome.failures[0].message = 'expected:\n```js\nrange(1, 3)\n```';
    const text = renderMarkdown(run);
    assert.match(text, /\n````text\nexpected:\n```js\nrange\(1, 3\)\n```\n````\n/);
  });

  it('says which branch to review and that nothing was pushed without --push', () => {
    const run = { ...sampleRun(), remote: undefined, repoUrl: undefined };
    run.heals[0].branch = { ...run.heals[0].branch!, pushed: false };
    const text = renderMarkdown(run);
    assert.match(text, /\*\*Branch:\*\* `self-heal\/range-h-0ff0b1e0`: commit `4207ba7` on top of `6a861c5`, not pushed \(rerun with `--push`/);
    assert.doesNotMatch(text, /Open a pull request/);
  });

  it('shows why a verified fix got no branch', () => {
    const run = sampleRun();
    run.heals[0] = {
      ...run.heals[0],
      branch: undefined,
      decision: { mode: 'off', reasons: ['selfHeal.policy.classes["code-bug"] is off'] },
      skipped: 'the policy is off for code-bug, so the verified fix is not proposed.',
    };
    const text = renderMarkdown(run);
    assert.match(text, /## Self-Heal: 0 of 2 failing tests healed/);
    assert.match(text, /\*\*No branch:\*\* the policy is off for code-bug/);
  });

  it('fits a GitHub comment however many failures there are', () => {
    const run = sampleRun();
    const big = outcome();
    big.fix!.diff = Array.from({ length: 400 }, (_, i) => `+line ${i} ${'x'.repeat(60)}`).join('\n');
    run.heals = Array.from({ length: 60 }, () => ({ ...run.heals[0], outcome: big }));
    const text = renderMarkdown(run);
    assert.ok(text.length <= 61_000, `${text.length} characters`);
    assert.match(text, /shortened to fit a comment/);
    assert.match(text, /### ✅ range includes both ends\n\n\*\*Fix:\*\* replace `<` with `<=` on line 4\./);
  });
});
