import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTapYaml, tapValueText, unescapeJs } from '../../../src/core/signals/tapYaml';

describe('parseTapYaml', () => {
  it('reads scalars, block strings and nested maps as node:test writes them', () => {
    const yaml = parseTapYaml([
      '  duration_ms: 1.5',
      "  location: '/a/b.test.js:9:3'",
      '  error: |-',
      '    first',
      '',
      '    last',
      '  expected:',
      '    sum: 2',
      "    name: 'x'",
      '    list:',
      '      0: 1',
      '      1: ~',
      '  signal: ~',
      '  ok: true',
    ]);
    assert.deepEqual(yaml, {
      duration_ms: 1.5,
      location: '/a/b.test.js:9:3',
      error: 'first\nlast',
      expected: { sum: 2, name: 'x', list: [1, null] },
      signal: null,
      ok: true,
    });
  });

  it('renders structures as JSON and scalars as text', () => {
    assert.equal(tapValueText({ sum: 2 }), '{\n  "sum": 2\n}');
    assert.equal(tapValueText(-1), '-1');
    assert.equal(tapValueText('a\nb'), 'a\nb');
  });

  it('undoes the escapes util.inspect puts in quoted strings', () => {
    assert.equal(unescapeJs("a\\nb \\'q\\' \\\\ \\u00e9 \\x41"), "a\nb 'q' \\ é A");
  });

  it('never throws on lines that are not YAML', () => {
    assert.deepEqual(parseTapYaml(['', '   ', 'no colon here', '      deep: 1']), {});
  });
});
