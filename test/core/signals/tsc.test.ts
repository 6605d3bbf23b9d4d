import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripAnsi } from '../../../src/core/signals/ansi';
import { parseTsc } from '../../../src/core/signals/tsc';
import { recorded, recordedRoot } from './runnerOutputs';

const root = recordedRoot('tsc');

describe('tsc diagnostics', () => {
  it('turns each `file(line,col): error TSxxxx` into a failure at that location', () => {
    const failures = parseTsc(recorded('tsc/plain.txt'), root);
    assert.deepEqual(
      failures.map((f) => [f.id, f.name, f.file, f.line, f.runner]),
      [
        ['math.ts:3:TS2322', 'TS2322', 'math.ts', 3, 'tsc'],
        ['math.ts:4:TS2353', 'TS2353', 'math.ts', 4, 'tsc'],
        ['math.ts:6:TS2322', 'TS2322', 'math.ts', 6, 'tsc'],
      ],
    );
    assert.deepEqual(failures[0].stack, [{ file: 'math.ts', line: 3, column: 7 }]);
    assert.equal(failures[0].message, "Type 'string' is not assignable to type 'number'.");
  });

  it('keeps the indented message chain under a diagnostic', () => {
    const chained = parseTsc(recorded('tsc/plain.txt'), root)[2];
    assert.equal(
      chained.message,
      "Type '(x: string) => string' is not assignable to type '(x: number) => string'.\n" +
        "Types of parameters 'x' and 'x' are incompatible.\n" +
        "Type 'number' is not assignable to type 'string'.",
    );
  });

  it('reads --pretty output, once its colours are stripped, as the plain form', () => {
    assert.deepEqual(parseTsc(stripAnsi(recorded('tsc/pretty.txt')), root), parseTsc(recorded('tsc/plain.txt'), root));
  });

  it('reports an error without a location under its code alone', () => {
    const [global] = parseTsc('error TS18003: No inputs were found in config file.\n', root);
    assert.deepEqual([global.id, global.name, global.file, global.stack], ['TS18003', 'TS18003', undefined, []]);
  });

  it('keeps absolute paths for files outside the workspace', () => {
    const [outside] = parseTsc("/elsewhere/lib.d.ts(1,2): error TS1005: ';' expected.", root);
    assert.deepEqual([outside.id, outside.file], ['/elsewhere/lib.d.ts:1:TS1005', '/elsewhere/lib.d.ts']);
  });
});
