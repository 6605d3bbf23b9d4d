import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimalReplacement } from '../../src/extension/textEdit';

const apply = (text: string, r: { start: number; end: number; newText: string }): string => text.slice(0, r.start) + r.newText + text.slice(r.end);

describe('minimal replacement', () => {
  it('replaces only the changed middle', () => {
    const before = 'function add(a, b) {\n  return a - b;\n}\n';
    const after = 'function add(a, b) {\n  return a + b;\n}\n';
    const change = minimalReplacement(before, after);
    assert.deepEqual(change, { start: before.indexOf('-'), end: before.indexOf('-') + 1, newText: '+' });
    assert.equal(apply(before, change), after);
  });

  it('handles insertions, deletions, identical and empty texts', () => {
    for (const [a, b] of [
      ['abc', 'abXc'],
      ['abXc', 'abc'],
      ['same', 'same'],
      ['', 'new'],
      ['old', ''],
      ['aaa', 'aaaa'],
    ] as const) {
      assert.equal(apply(a, minimalReplacement(a, b)), b, `${a} → ${b}`);
    }
  });

  it('never splits a surrogate pair', () => {
    const change = minimalReplacement('x😀y', 'x😃y');
    assert.equal(change.newText, '😃');
    assert.equal(apply('x😀y', change), 'x😃y');
  });
});
