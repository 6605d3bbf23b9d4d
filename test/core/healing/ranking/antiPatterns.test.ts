import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { antiPatterns, changeOf, changeSize } from '../../../../src/core/healing/ranking/antiPatterns';
import type { TextEdit } from '../../../../src/core/model';

const FILE = 'src/a.js';

/** The edit that replaces the first `find` in `text` by `replace`. */
function editOf(text: string, find: string, replace: string): TextEdit {
  const start = text.indexOf(find);
  assert.ok(start >= 0, `${find} is in the text`);
  return { file: FILE, start, end: start + find.length, newText: replace };
}

const kinds = (text: string, find: string, replace: string, reached = [{ file: FILE, start: 0, end: text.length }]): string[] =>
  antiPatterns([editOf(text, find, replace)], { [FILE]: text }, reached).map((a) => a.kind);

describe('patch anti-patterns', () => {
  it('narrows an edit to what it changes', () => {
    const text = 'return start + size - 1;';
    assert.deepEqual(changeOf(text, editOf(text, 'start + size - 1', 'start + size * 1')), { file: FILE, start: 20, removed: '-', added: '*' });
  });

  it('flags a swap between operator families, not within one', () => {
    const text = 'if (a == b) return 1;';
    assert.deepEqual(kinds(text, '==', '<'), ['cross-family-operator']);
    assert.deepEqual(kinds(text, '==', '!=='), []);
    assert.deepEqual(kinds('return a + b;', '+', '%'), []);
    assert.deepEqual(kinds('return a + b;', '+', '&&'), ['cross-family-operator']);
    assert.deepEqual(kinds('return a > b;', '>', '!=='), ['cross-family-operator']);
    assert.deepEqual(kinds('return a == b;', 'a == b', 'a <= b'), ['cross-family-operator'], 'the shared `=` does not hide the swap');
    assert.deepEqual(kinds('return a < b;', 'a < b', 'a <= b'), []);
  });

  it('flags an edit that turns an operation into a no-op, and not the plain deletion', () => {
    const text = 'return items.slice(start, start + size - 1);';
    assert.deepEqual(kinds(text, 'size - 1', 'size * 1'), ['identity-edit']);
    assert.deepEqual(kinds(text, 'size - 1', 'size / 1'), ['identity-edit']);
    assert.deepEqual(kinds(text, 'start + size - 1', 'start + size'), []);
    assert.deepEqual(kinds('return a - 1;', 'a - 1', 'a + 0'), ['identity-edit']);
    assert.deepEqual(kinds('return ok && valid;', 'valid', 'true'), ['identity-edit', 'trivial-condition']);
    assert.deepEqual(kinds('return ok || done;', 'done', 'false'), ['identity-edit', 'trivial-condition']);
  });

  it('does not take a literal for an identity', () => {
    assert.deepEqual(kinds('return a * 2;', '2', '10'), []);
    assert.deepEqual(kinds('return a + 1;', '1', '0.5'), []);
  });

  it('flags a condition replaced by a constant, but not a flipped boolean', () => {
    assert.deepEqual(kinds('if (a < b) x();', 'a < b', 'true'), ['trivial-condition']);
    assert.deepEqual(kinds('let done = false;', 'false', 'true'), []);
  });

  it('flags deleting a control statement and deleting an exit', () => {
    const text = 'function f(a) {\n  if (a < 0) throw new Error("neg");\n  return a;\n}';
    assert.deepEqual(kinds(text, '  if (a < 0) throw new Error("neg");\n', ''), ['deletes-control']);
    assert.deepEqual(kinds('function f(a) {\n  return a;\n}', '  return a;\n', ''), ['deletes-exit']);
    assert.deepEqual(kinds('return a;', 'a', 'b'), []);
  });

  it('flags an edit outside the code the failing tests reach', () => {
    const text = 'function used(a) { return a - 1; }\nfunction other(b) { return b - 1; }\n';
    const used = [{ file: FILE, start: 0, end: text.indexOf('\n') }];
    const edit = { file: FILE, start: text.lastIndexOf('-'), end: text.lastIndexOf('-') + 1, newText: '+' };
    assert.deepEqual(
      antiPatterns([edit], { [FILE]: text }, used).map((a) => a.kind),
      ['outside-reached-code'],
    );
    assert.deepEqual(kinds(text, '-', '+', used), []);
  });

  it('flags an identifier swap that makes a value operate on itself', () => {
    assert.deepEqual(kinds('return force || version === latest;', 'version', 'latest'), ['trivial-condition']);
    assert.deepEqual(kinds('return end - start;', 'end', 'start'), ['trivial-condition']);
    assert.deepEqual(kinds('return a.x === a.y;', 'a.y', 'a.x'), [], 'property reads are not the same name');
    assert.deepEqual(kinds('return version === latest;', 'latest', 'current'), []);
  });

  it('measures a change in tokens removed and added', () => {
    const text = 'return start + size - 1;';
    assert.equal(changeSize([editOf(text, 'start + size - 1', 'start + size')], { [FILE]: text }), 2);
    assert.equal(changeSize([editOf(text, '-', '*')], { [FILE]: text }), 2);
    assert.equal(changeSize([editOf('a === b', '===', '!==')], { [FILE]: 'a === b' }), 2);
    assert.equal(changeSize([editOf('a === b', '===', '!=')], { [FILE]: 'a === b' }), 2);
  });
});
