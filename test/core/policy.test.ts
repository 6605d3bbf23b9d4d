import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FailureClass } from '../../src/core/model';
import { changedLines, decide, DEFAULT_POLICY, offeredUnderPolicy, readWorkspacePolicy, triage, validatePolicy, type Policy } from '../../src/core/policy';
import { outcome } from '../helpers/outcome';
import { tempDir } from '../helpers/repo';

const policy = (raw: unknown): Policy => {
  const result = validatePolicy(raw);
  assert.deepEqual(result.problems, [], 'the policy used by this test is valid');
  return result.policy;
};

/** Clears every default floor: the mutation guard ran and killed mutants. */
const guarded = outcome({ evidence: { guards: [{ guard: 'mutation', findings: [], mutants: { total: 4, ran: 4, killed: 3 } }] } });

describe('policy', () => {
  it('suggests every class and auto-applies nothing by default', () => {
    for (const cls of FailureClass.options) {
      const decision = decide(DEFAULT_POLICY, outcome({ class: cls }));
      assert.equal(decision.mode, 'suggest', cls);
      assert.match(decision.reasons[0], /selfHeal\.policy\.default \(suggest\)/);
    }
  });

  it('falls back to the defaults with a clear message when the policy is not an object', () => {
    const result = validatePolicy('autoApply');
    assert.deepEqual(result.policy, DEFAULT_POLICY);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0], /selfHeal\.policy must be an object/);
    assert.match(result.problems[0], /suggest everything, auto-apply nothing/);
  });

  it('replaces only the invalid parts, and names the class and the modes it accepts', () => {
    const result = validatePolicy({
      classes: { 'code-bug': 'yes', flaky: 'off', 'not-a-class': 'off' },
      neverEdit: 'src',
      autoApplyFloor: { maxChangedLines: 0, colour: 'red' },
      mood: 1,
    });
    assert.deepEqual(result.policy.classes, { flaky: 'off' });
    assert.deepEqual(result.policy.neverEdit, []);
    assert.equal(result.policy.autoApplyFloor.maxChangedLines, DEFAULT_POLICY.autoApplyFloor.maxChangedLines);
    const text = result.problems.join('\n');
    assert.match(text, /classes\.code-bug: expected one of off \| suggest \| review \| autoApply \(got "yes"\)/);
    assert.match(text, /"not-a-class" is not a failure class \(known: code-bug, /);
    assert.match(text, /neverEdit must be a list of path patterns/);
    assert.match(text, /autoApplyFloor\.maxChangedLines/);
    assert.match(text, /autoApplyFloor\.colour is not a floor setting/);
    assert.match(text, /selfHeal\.policy\.mood is not a policy setting/);
    assert.equal(result.problems.length, 6);
  });

  it('turns a class off', () => {
    assert.equal(decide(policy({ classes: { 'code-bug': 'off' } }), outcome()).mode, 'off');
  });

  it('keeps a review class as review, with the setting named', () => {
    const decision = decide(policy({ classes: { 'code-bug': 'review' } }), outcome());
    assert.equal(decision.mode, 'review');
    assert.deepEqual(decision.reasons, ['selfHeal.policy.classes["code-bug"] is review']);
  });

  it('auto-applies a fix that clears the floor', () => {
    const decision = decide(policy({ classes: { 'code-bug': 'autoApply' } }), guarded);
    assert.equal(decision.mode, 'autoApply');
    assert.match(decision.reasons.at(-1)!, /clears the auto-apply floor/);
  });

  it('only suggests an auto-apply fix that no mutation guard has checked', () => {
    const decision = decide(policy({ classes: { 'code-bug': 'autoApply' } }), outcome());
    assert.equal(decision.mode, 'suggest');
    assert.match(decision.reasons.join('\n'), /no mutation guard ran on the changed lines \(autoApplyFloor\.requireMutationGuard\)/);
    assert.equal(decide(policy({ classes: { 'code-bug': 'autoApply' }, autoApplyFloor: { requireMutationGuard: false } }), outcome()).mode, 'autoApply');
  });

  it('only suggests a fix the mutation guard found weakly tested, or verified by too few tests, or too large', () => {
    const weak = outcome({ evidence: { guards: [{ guard: 'mutation', label: 'weakly tested', findings: [], mutants: { total: 3, ran: 3, killed: 0 } }] } });
    assert.match(decide(policy({ default: 'autoApply' }), weak).reasons.join('\n'), /weakly tested/);
    const small = decide(policy({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false, minSuiteTests: 10 } }), outcome());
    assert.equal(small.mode, 'suggest');
    assert.match(small.reasons.join('\n'), /only 3 passing test\(s\) verified it \(autoApplyFloor\.minSuiteTests is 10\)/);
    const large = decide(policy({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false, maxChangedLines: 1 } }), outcome());
    assert.match(large.reasons.join('\n'), /it changes 2 lines \(autoApplyFloor\.maxChangedLines is 1\)/);
  });

  it('never auto-applies a fix to a neverEdit path: it goes to review, naming the file and the pattern', () => {
    const decision = decide(policy({ classes: { 'code-bug': 'autoApply' }, neverEdit: ['docs/', 'src/**/*.js'] }), guarded);
    assert.equal(decision.mode, 'review');
    assert.match(decision.reasons.join('\n'), /src\/range\.js matches neverEdit "src\/\*\*\/\*\.js": a person reviews it first/);
    assert.equal(decide(policy({ classes: { 'code-bug': 'autoApply' }, neverEdit: ['lib/**'] }), guarded).mode, 'autoApply', 'other paths are not protected');
  });

  it('sends a fix that edits tests, or weakens them, to review even when the class is auto-applied', () => {
    const editsTests = outcome({ fix: { editsTests: true } });
    assert.equal(decide(policy({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false } }), editsTests).mode, 'review');
    const weakens = outcome({ fix: { labels: ['weakens tests'] } });
    assert.match(decide(policy({ default: 'suggest' }), weakens).reasons.join('\n'), /weakens tests/);
  });

  it('decides on an outcome without a fix by its class alone', () => {
    assert.equal(decide(DEFAULT_POLICY, outcome({ fix: false })).mode, 'suggest');
    assert.equal(decide(policy({ classes: { infrastructure: 'off' } }), outcome({ fix: false, class: 'infrastructure' })).mode, 'off');
  });

  it('counts changed lines without the file headers', () => {
    assert.equal(
      changedLines('--- a/x.js\n+++ b/x.js\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n--- a/y.js\n+++ b/y.js\n@@ -1 +1 @@\n--- old comment\n+++ new comment\n'),
      4,
    );
  });
});

describe('readWorkspacePolicy', () => {
  const write = (dir: string, rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it('uses the defaults when nothing is configured', async () => {
    assert.deepEqual(await readWorkspacePolicy(tempDir()), { policy: DEFAULT_POLICY, source: 'defaults', problems: [] });
  });

  it('never auto-applies a fix the tests cannot single out, even one that clears every floor', () => {
    const autoApply = policy({ default: 'autoApply', autoApplyFloor: { requireMutationGuard: false, minSuiteTests: 0 } });
    const guards = guarded.fix!.evidence.guards;
    const ambiguous = outcome({
      evidence: { guards, confidence: { level: 'ambiguous', alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] } },
    });
    const decision = decide(autoApply, ambiguous);
    assert.equal(decision.mode, 'suggest');
    assert.equal(decision.reasons.at(-1), 'not auto-applied: it is ambiguous (2 other verified fixes pass the tests too)');
    const standsOut = outcome({ evidence: { guards, confidence: { level: 'verified', alternatives: 0, reasons: [] } } });
    assert.equal(decide(autoApply, standsOut).mode, 'autoApply');
  });

  it('reads selfHeal.policy from .vscode/settings.json, comments and trailing commas included', async () => {
    const dir = tempDir();
    write(dir, '.vscode/settings.json', '{\n  // the team agreed on this\n  "selfHeal.policy": { "classes": { "flaky": "off", }, },\n}\n');
    const result = await readWorkspacePolicy(dir);
    assert.equal(result.source, '.vscode/settings.json');
    assert.deepEqual(result.policy.classes, { flaky: 'off' });
  });

  it('prefers .self-heal.json, the file a team commits for CI', async () => {
    const dir = tempDir();
    write(dir, '.vscode/settings.json', '{ "selfHeal.policy": { "default": "off" } }');
    write(dir, '.self-heal.json', '{ "policy": { "default": "review" } }');
    const result = await readWorkspacePolicy(dir);
    assert.equal(result.source, '.self-heal.json');
    assert.equal(result.policy.default, 'review');
  });

  it('reports a .self-heal.json that is not JSON and falls back to settings.json', async () => {
    const dir = tempDir();
    write(dir, '.self-heal.json', '{ "policy": ');
    write(dir, '.vscode/settings.json', '{ "selfHeal.policy": { "default": "review" } }');
    const result = await readWorkspacePolicy(dir);
    assert.match(result.problems[0], /\.self-heal\.json is not valid JSON; its Self-Heal policy was ignored/);
    assert.equal(result.policy.default, 'review');
  });

  it('names the file in messages about an invalid policy', async () => {
    const dir = tempDir();
    write(dir, '.self-heal.json', '{ "policy": { "classes": { "code-bug": "always" } } }');
    const result = await readWorkspacePolicy(dir);
    assert.match(result.problems[0], /^\.self-heal\.json policy\.classes\.code-bug: expected one of/);
    assert.deepEqual(result.policy, DEFAULT_POLICY);
  });
});

describe('one policy decision for every host', () => {
  const setting = (raw: unknown) => ({ policy: policy(raw), namesDefault: true });
  const ambiguity = { level: 'ambiguous' as const, alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] };

  it('lets a bulk apply (heal --apply) write a plain verified fix', () => {
    assert.equal(triage(setting({}), 'suggest', guarded).notInBulk, undefined);
  });

  it('keeps a bulk apply off a neverEdit path, naming the file and the pattern', () => {
    assert.match(
      triage(setting({ neverEdit: ['src/**'] }), 'suggest', guarded).notInBulk ?? '',
      /^src\/range\.js matches neverEdit "src\/\*\*", so a person applies it after review$/,
    );
  });

  it('keeps a bulk apply off a class that is off', () => {
    assert.equal(triage(setting({ classes: { 'code-bug': 'off' } }), 'suggest', guarded).notInBulk, 'the policy is off for code-bug');
  });

  it('writes a test weakening or an ambiguous fix in bulk only with the explicit flag for it', () => {
    const weakens = outcome({ fix: { labels: ['weakens tests'] } });
    assert.match(triage(setting({}), 'suggest', weakens).notInBulk ?? '', /--accept-test-weakening/);
    assert.equal(triage(setting({}), 'suggest', weakens, { testWeakening: true }).notInBulk, undefined);
    const ambiguous = outcome({ evidence: { confidence: ambiguity } });
    assert.match(triage(setting({}), 'suggest', ambiguous).notInBulk ?? '', /ambiguous.*--accept-ambiguous/);
    assert.equal(triage(setting({}), 'suggest', ambiguous, { ambiguous: true }).notInBulk, undefined);
  });

  it('drops the fix of a class that is off from what is offered, with the reason, and lists it', () => {
    const report = {
      baseline: { passed: 3, failed: 1, run: { outcomes: [], failures: [], exitCode: 1, timedOut: false, ms: 1, output: '' } },
      heals: [guarded],
      sandboxMs: 0,
      ms: 0,
    };
    const shown = offeredUnderPolicy(report, (o) => triage(setting({ classes: { 'code-bug': 'off' } }), 'suggest', o));
    assert.deepEqual(shown.off, [guarded.id]);
    assert.equal(shown.report.heals[0].fix, undefined);
    assert.match(shown.report.heals[0].reason ?? '', /code-bug.* is off, so Self-Heal does not offer its fix/);
    assert.equal(offeredUnderPolicy(report, (o) => triage(setting({}), 'suggest', o)).report.heals[0].fix, guarded.fix);
  });
});
