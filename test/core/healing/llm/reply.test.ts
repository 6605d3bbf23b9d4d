import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseReply } from '../../../../src/core/healing/llm/reply';

const valid = { explanation: 'Use <= so the end is included.', edits: [{ file: 'src/range.js', functionName: 'range', newText: 'function range() {}' }] };

describe('parseReply', () => {
  it('accepts a bare JSON object, one inside a ```json fence, and one wrapped in prose', () => {
    for (const text of [
      JSON.stringify(valid),
      'Here is the fix:\n```json\n' + JSON.stringify(valid, null, 2) + '\n```\nDone.',
      `Sure! ${JSON.stringify(valid)} Hope it helps.`,
    ]) {
      const parsed = parseReply(text);
      assert.ok(parsed.ok, text);
      assert.equal(parsed.reply.edits[0].functionName, 'range');
    }
  });

  it('rejects text that is not JSON, quoting its start', () => {
    const parsed = parseReply('I think the bug is in range, you should use <= instead.');
    assert.deepEqual(parsed, { ok: false, reason: 'the reply is not a JSON object ("I think the bug is in range, you should use <= instead.")' });
    assert.deepEqual(parseReply('  '), { ok: false, reason: 'the reply is empty' });
  });

  it('rejects JSON that does not follow the schema, naming the field', () => {
    const noText = parseReply(JSON.stringify({ explanation: 'x', edits: [{ file: 'a.js', functionName: 'f' }] }));
    assert.ok(!noText.ok && /edits\.0\.newText/.test(noText.reason), JSON.stringify(noText));
    const both = parseReply(
      JSON.stringify({ explanation: 'x', edits: [{ file: 'a.js', functionName: 'f', range: { startLine: 1, endLine: 2 }, newText: '' }] }),
    );
    assert.ok(!both.ok && /exactly one of functionName or range/.test(both.reason), JSON.stringify(both));
    const none = parseReply(JSON.stringify({ explanation: 'cannot fix', edits: [] }));
    assert.ok(!none.ok && /proposes no edit/.test(none.reason));
  });
});
