import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentTerminalRuns } from '../../../src/extension/collectors/testRuns';

describe('recent terminal runs', () => {
  it('tells the task collector that a terminal read its run: running, or ended just before', () => {
    const recent = new RecentTerminalRuns(5_000);
    const run = recent.start('npm run test', 1_000);
    assert.ok(recent.saw('npm test', 2_000), 'running, spelled as the npm task provider spells it');
    recent.end(run, 3_000);
    assert.ok(recent.saw('npm test', 3_300));
    assert.ok(!recent.saw('npm test', 9_000), 'long after it ended');
    assert.ok(!recent.saw('npm run test:unit', 3_300), 'another script');
  });

  it('does not count a terminal run that reported no exit code', () => {
    const recent = new RecentTerminalRuns();
    recent.drop(recent.start('node --test', 1_000));
    assert.ok(!recent.saw('node --test', 1_200));
  });

  it('does not count a run that started after the task ended', () => {
    const recent = new RecentTerminalRuns();
    recent.start('node --test', 5_000);
    assert.ok(!recent.saw('node --test', 4_000));
  });
});
