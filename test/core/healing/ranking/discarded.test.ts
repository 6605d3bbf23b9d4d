import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { healWorkspace } from '../../../../src/core/heal';
import { changeKey } from '../../../../src/core/healing/ranking/discarded';
import { discardedChanges } from '../../../../src/core/record/decisions';
import type { HealRecord } from '../../../../src/core/model';
import { decisionRecord } from '../../../../src/core/record/decisions';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import { outcome } from '../../../helpers/outcome';
import { makeProject } from '../../../helpers/repo';

describe('discarded fixes', () => {
  it('knows a change by what it removes and adds, wherever else the file changed', () => {
    const before = { 'a.js': 'const x = 1;\nreturn a < b;\n' };
    const after = { 'a.js': 'const x = 1;\nreturn a <= b;\n' };
    const edited = { 'a.js': '// a note\nconst x = 2;\nreturn a < b;\n' };
    assert.equal(changeKey(before, after), changeKey(edited, { 'a.js': edited['a.js'].replace('a < b', 'a <= b') }));
    assert.notEqual(changeKey(before, after), changeKey(before, { 'a.js': before['a.js'].replace('a < b', 'a > b') }));
  });

  it('keeps only heals whose latest word is "rejected"', () => {
    const heal = outcome({ id: 'h-1' });
    const rejected = decisionRecord(heal, 'rejected', '/w', 'discarded in the preview');
    const summary = heal.fix!.candidate.summary;
    assert.deepEqual([...discardedChanges([rejected]).values()], [summary]);
    assert.deepEqual([...discardedChanges([rejected, decisionRecord(heal, 'accepted', '/w')]).values()], [], 'accepted later');
  });

  it('offers the next verified fix after a discard, and says so when none is left', async () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/total.js': 'function total(price, quantity) {\n  return price - quantity;\n}\nmodule.exports = { total };\n',
      'test/total.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { total } = require('../src/total');\ntest('two of two', () => {\n  assert.strictEqual(total(2, 2), 4);\n});\n",
    });
    const decisions: HealRecord[] = [];
    const offered: string[] = [];
    for (let round = 0; round < 6; round++) {
      const heal = (await healWorkspace({ files: new DiskFiles(dir), decisions })).heals[0];
      if (!heal.fix) {
        assert.ok(offered.length >= 2, `two different fixes pass these tests (offered: ${offered.join(' | ')})`);
        assert.match(heal.reason!, /was discarded earlier, so it is not offered again/);
        return;
      }
      assert.ok(!offered.includes(heal.fix.after['src/total.js']), `round ${round} offers a fix discarded before: ${heal.fix.candidate.summary}`);
      offered.push(heal.fix.after['src/total.js']);
      decisions.push(decisionRecord(heal, 'rejected', dir, 'discarded in the preview'));
    }
    assert.fail(`still offering fixes after 6 discards: ${offered.join(' | ')}`);
  });
});
