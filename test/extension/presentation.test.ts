import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WEAKENS } from '../../src/extension/policy';
import {
  ago,
  alternativesDetail,
  APPLY_ANYWAY,
  engineBadge,
  evidenceDetail,
  fixDetail,
  fixSummary,
  fixTitle,
  guardDetail,
  healSummary,
  historyDescription,
  plain,
  plainFinding,
  spentTokens,
  tokenLog,
  weakeningPrompt,
} from '../../src/extension/presentation';
import { outcome } from '../helpers/outcome';

const evidence = { targeted: { passed: 1, total: 1 }, suite: { passed: 12, total: 12, newlyFailing: [] } };

describe('presentation', () => {
  it('titles a verified fix with the suite evidence', () => {
    assert.equal(fixTitle('replace - with +', evidence), 'Self-Heal: replace - with + (✓ 12/12 tests)');
    assert.equal(evidenceDetail(evidence), 'fixes 1/1 failing test; 12/12 tests pass in the sandbox');
  });

  it('adds what a reviewer must know to the title: labels, then "needs review"', () => {
    assert.equal(fixTitle('replace - with +', evidence, ['weakly tested']), 'Self-Heal: replace - with + (✓ 12/12 tests · weakly tested)');
    assert.equal(
      fixTitle('drop the assertion', evidence, ['test edit', WEAKENS, 'needs review']),
      'Self-Heal: drop the assertion (✓ 12/12 tests · test edit · weakens tests · needs review)',
    );
  });

  it("describes each guard's finding, and the policy's decision, for tooltips and quick-pick details", () => {
    const guards = [
      { guard: 'mutation' as const, findings: ['the only mutant of the changed lines undoes the fix'], mutants: { total: 1, ran: 1, killed: 1 } },
      { guard: 'test-weakening' as const, label: WEAKENS, findings: ['removed an assertion'] },
    ];
    assert.deepEqual(guardDetail({ ...evidence, guards }), [
      'mutation guard: 1/1 mutant killed; the only mutant of the changed lines undoes the fix',
      'test-weakening guard (weakens tests): removed an assertion',
    ]);
    assert.deepEqual(guardDetail(evidence), []);
    const fix = outcome({ evidence: { guards: [guards[0]!] } }).fix!;
    assert.deepEqual(fixDetail(fix, { mode: 'review', reasons: ['selfHeal.policy.classes["code-bug"] is review'] }), [
      'fixes 1/1 failing test; 3/3 tests pass in the sandbox (mutation)',
      'mutation guard: 1/1 mutant killed; the only mutant of the changed lines undoes the fix',
      'policy: review (selfHeal.policy.classes["code-bug"] is review)',
    ]);
  });

  it('asks before applying a fix that weakens tests, with what the guard found and what it means', () => {
    const weakens = outcome({
      fix: { summary: 'loosen the range check', editsTests: true, labels: [WEAKENS] },
      evidence: {
        guards: [
          { guard: 'test-weakening', label: WEAKENS, findings: ['replaced deepStrictEqual with ok', 'note: a sorted comparison is robust, not weaker'] },
        ],
      },
      files: { 'test/range.test.js': ['a', 'b'] },
    });
    const prompt = weakeningPrompt(weakens);
    assert.equal(prompt.message, 'Self-Heal: "loosen the range check" weakens tests. Apply it anyway?');
    assert.equal(prompt.confirm, APPLY_ANYWAY);
    assert.match(
      prompt.detail,
      /^• replaced deepStrictEqual with ok\nIt edits test\/range\.test\.js\. The tests pass with it partly because they now ask less of the code\./,
    );
    assert.doesNotMatch(prompt.detail, /note:/, 'notes are not findings');
  });

  it('summarizes a heal session in one sentence', () => {
    const run = { outcomes: [], failures: [], exitCode: 1, timedOut: false, ms: 1, output: '' };
    const heal = { fix: {} } as never;
    assert.equal(healSummary({ baseline: { passed: 3, failed: 0, run }, heals: [], ms: 900 }, 0), 'Self-Heal: all 3 tests pass; nothing to heal.');
    assert.equal(healSummary({ baseline: { passed: 1, failed: 1, run }, heals: [heal], ms: 4200 }, 0), 'Self-Heal: 1 verified fix for 1 failing test (4.2s).');
    assert.equal(
      healSummary({ baseline: { passed: 1, failed: 2, run }, heals: [heal, heal], ms: 4200 }, 2),
      'Self-Heal: applied 2 of 2 verified fixes for 2 failing tests (4.2s).',
    );
    assert.equal(
      healSummary({ baseline: { passed: 1, failed: 1, run }, heals: [{ reason: 'No verified fix among 3 candidate(s)' } as never], ms: 1000 }, 0),
      'Self-Heal: no verified fix for 1 failing test (1.0s): No verified fix among 3 candidate(s)',
    );
  });

  it('says how long ago in coarse words', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(ago('2026-01-01T11:59:30Z', now), 'just now');
    assert.equal(ago('2026-01-01T11:30:00Z', now), '30 min ago');
    assert.equal(ago('2025-12-31T12:00:00Z', now), '24 h ago');
    assert.equal(ago('2025-12-25T12:00:00Z', now), '7 days ago');
  });

  it('shows the engine of a heal, and for the LLM what it cost', () => {
    assert.equal(engineBadge('mutation', undefined), 'mutation');
    assert.equal(engineBadge('llm', { input: 1000, output: 234 }), 'llm · 1,234 tokens');
    assert.equal(engineBadge('llm', { input: 1, output: 0 }), 'llm · 1 token');
    assert.equal(engineBadge('llm', { input: 0, output: 0 }), 'llm', 'an endpoint that reports no usage');
  });

  it('describes a history entry with file, engine, tokens, evidence and age', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const record: Parameters<typeof historyDescription>[0] = {
      file: 'src/pricing.js',
      engine: 'llm',
      tokens: { input: 1000, output: 234 },
      evidence,
      at: '2026-01-01T11:59:50Z',
    };
    assert.equal(historyDescription(record, false, now), 'src/pricing.js · llm · 1,234 tokens · ✓ 12/12 tests · just now');
    assert.equal(
      historyDescription({ ...record, engine: 'mutation', tokens: undefined }, true, now),
      'src/pricing.js · mutation · ✓ 12/12 tests · just now · reverted',
    );
  });

  it('marks an ambiguous heal in the history, and a heal recorded before confidence existed as before', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const ambiguous = { ...evidence, confidence: { level: 'ambiguous' as const, alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] } };
    const record: Parameters<typeof historyDescription>[0] = {
      file: 'src/page.js',
      engine: 'mutation',
      tokens: undefined,
      evidence: ambiguous,
      at: '2026-01-01T11:59:50Z',
    };
    assert.equal(
      historyDescription(record, false, now),
      'src/page.js · mutation · ✓ 12/12 tests · verified, ambiguous: 2 other verified fixes pass the tests too · just now',
    );
    assert.equal(historyDescription({ ...record, evidence }, false, now), 'src/page.js · mutation · ✓ 12/12 tests · just now');
  });

  it('lists the other verified fixes, ranked below, in the details of a fix', () => {
    const alternatives = ['a', 'b', 'c', 'd'].map((name) => ({ summary: `use \`${name}\``, diff: '' }));
    assert.deepEqual(alternativesDetail({ alternatives }), ['also verified, ranked below: use `a`; use `b`; use `c`; and 1 more']);
    assert.deepEqual(alternativesDetail({}), []);
  });

  it('counts the tokens of every heal of a session, fixed or not, for the running total in the log', () => {
    const spent = spentTokens([{ tokens: { input: 900, output: 100 } }, {}, { tokens: { input: 100, output: 134 } }]);
    assert.deepEqual(spent, { input: 1000, output: 234 });
    assert.equal(
      tokenLog(spent, { input: 11000, output: 2234 }),
      'LLM tokens: 1,234 tokens (1,000 in / 234 out) for this heal; 13,234 tokens (11,000 in / 2,234 out) this session',
    );
  });

  it('shows code spans as quoted text outside Markdown, without rewording the core', () => {
    assert.equal(plain('replace `-` with `+` on line 4'), "replace '-' with '+' on line 4");
    assert.equal(plain('Set `selfHeal.mode` to "suggest"'), 'Set \'selfHeal.mode\' to "suggest"');
    assert.equal(plain('a stray ` backtick'), 'a stray  backtick');
    assert.equal(fixTitle('replace `-` with `+`', evidence), "Self-Heal: replace '-' with '+' (✓ 12/12 tests)");
  });

  it('names the file a fix edits when it is not the one the summary is read next to', () => {
    assert.equal(fixSummary('replace `-` with `+` on line 4', ['src/math.js'], 'src/math.js'), "replace '-' with '+' on line 4");
    assert.equal(fixSummary('replace `-` with `+` on line 4', ['src/math.js'], 'test/math.test.js'), "replace '-' with '+' on line 4 of src/math.js");
    assert.equal(fixSummary('Apply the rate from RATES', ['src/pricing.js'], 'test/pricing.test.js'), 'Apply the rate from RATES, in src/pricing.js');
    assert.equal(fixSummary('replace `<` with `<=` on line 2', ['lib/a.js'], undefined), "replace '<' with '<=' on line 2 of lib/a.js");
  });

  it("says in plain words that a guard could not run, instead of the package loader's error", () => {
    const missing =
      "mutation guard not run: @stryker-mutator/instrumenter could not be loaded or could not parse the fixed file (Cannot find package '@stryker-mutator/instrumenter' imported from /x/dist/extension.js)";
    const [line] = guardDetail({ ...evidence, guards: [{ guard: 'mutation', findings: [missing] }] });
    assert.equal(line, 'mutation guard: not run: a part of Self-Heal it needs is missing from this installation (reinstalling Self-Heal should bring it back)');
    assert.doesNotMatch(line!, /stryker|Cannot find/);
    assert.match(
      plainFinding('mutation guard not run: @stryker-mutator/instrumenter could not be loaded or could not parse the fixed file (Unexpected token (3:4))'),
      /could not read the fixed file/,
    );
    assert.equal(plainFinding('the only mutant undoes `the fix`'), "the only mutant undoes 'the fix'");
  });
});
