/** The suspects users and scripts read: best first, at most ten, lines counted from 1. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { suspectsOf, suspectText } from '../../../src/core/analysis/suspects';
import type { Location } from '../../../src/core/model';

const at = (file: string, line: number, score: number, fn?: string): Location => ({
  file,
  start: 0,
  end: 1,
  line,
  score,
  why: `why ${file}`,
  ...(fn ? { function: fn } : {}),
});

describe('suspects', () => {
  it('lists the ten most suspicious locations, best first, with 1-based lines and the function when it has a name', () => {
    const locations = Array.from({ length: 12 }, (_, i) => at(`f${i}.js`, i, i / 12, i % 2 ? `fn${i}` : undefined));
    const suspects = suspectsOf(locations);
    assert.equal(suspects.length, 10);
    assert.deepEqual(suspects[0], { file: 'f11.js', function: 'fn11', line: 12, score: 0.917, why: 'why f11.js' });
    assert.deepEqual(suspects[1], { file: 'f10.js', line: 11, score: 0.833, why: 'why f10.js' });
    assert.deepEqual(suspects.map((s) => s.file).slice(-1), ['f2.js']);
  });

  it('names each function once, at its best line, so other places to look still make the list', () => {
    const locations = [
      at('lib/decoder.js', 94, 0.9, 'readNull'),
      at('lib/decoder.js', 95, 0.9, 'readNull'),
      at('lib/decoder.js', 96, 0.85, 'readNull'),
      at('lib/decoder.js', 420, 0.8, 'readObject'),
      at('lib/decoder.js', 3, 0.8),
      at('lib/decoder.js', 4, 0.8),
      at('lib/encoder.js', 10, 0.7, 'readNull'),
    ];
    assert.deepEqual(
      suspectsOf(locations).map((s) => `${s.file}:${s.line} ${s.function ?? '-'}`),
      ['lib/decoder.js:95 readNull', 'lib/decoder.js:421 readObject', 'lib/decoder.js:4 -', 'lib/decoder.js:5 -', 'lib/encoder.js:11 readNull'],
    );
  });

  it('reads as one line: file:line function (why)', () => {
    assert.equal(suspectText(suspectsOf([at('lib/request.js', 3, 0.5, 'protocol')])[0]), 'lib/request.js:4 protocol (why lib/request.js)');
  });
});
