import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusOf, type StatusInputs } from '../../src/extension/statusState';

const quiet: StatusInputs = { healing: 0, fixes: 0, mode: 'suggest', trusted: true };

describe('the status bar item', () => {
  it('is hidden when nothing runs and no fix waits', () => {
    assert.equal(statusOf(quiet), undefined);
    assert.equal(statusOf({ ...quiet, mode: 'autoApply' }), undefined);
  });

  it('spins while a heal runs, and opens the log on click', () => {
    const shown = statusOf({ ...quiet, healing: 1, fixes: 2 });
    assert.equal(shown?.text, '$(sync~spin) Self-Heal: healing…');
    assert.deepEqual(shown?.command, { id: 'selfHeal.showLog' });
  });

  it('counts the verified fixes ready, in words that match the number, and opens the quick pick of fixes on click', () => {
    assert.equal(statusOf({ ...quiet, fixes: 1 })?.text, '$(lightbulb-autofix) 1 verified fix ready');
    const shown = statusOf({ ...quiet, fixes: 3 });
    assert.equal(shown?.text, '$(lightbulb-autofix) 3 verified fixes ready');
    assert.deepEqual(shown?.command, { id: 'selfHeal.reviewFixes' });
  });

  it('says "off" when selfHeal.mode is off, and opens that setting on click', () => {
    const shown = statusOf({ ...quiet, mode: 'off', fixes: 2 });
    assert.equal(shown?.text, '$(circle-slash) Self-Heal: off');
    assert.deepEqual(shown?.command, { id: 'workbench.action.openSettings', args: ['selfHeal.mode'] });
  });

  it('says "off" in an untrusted workspace, says why, and opens workspace trust on click', () => {
    const shown = statusOf({ ...quiet, trusted: false });
    assert.equal(shown?.text, '$(circle-slash) Self-Heal: off');
    assert.match(shown!.tooltip, /untrusted workspace/);
    assert.deepEqual(shown?.command, { id: 'workbench.trust.manage' });
  });

  it('never shows a raw backtick, which a status bar prints literally', () => {
    for (const inputs of [
      { ...quiet, healing: 1 },
      { ...quiet, fixes: 2 },
      { ...quiet, mode: 'off' as const },
      { ...quiet, trusted: false },
    ]) {
      const shown = statusOf(inputs)!;
      assert.doesNotMatch(shown.text + shown.tooltip, /`/);
    }
  });
});
