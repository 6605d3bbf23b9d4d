import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFrame, parseStack, projectFrames, toWorkspacePath } from '../../../src/core/signals/stack';

const root = '/work/app';

describe('parseStack', () => {
  it('reads `at fn (file:line:col)` frames with workspace-relative paths', () => {
    assert.deepEqual(parseStack('Error: x\n    at Object.add (/work/app/src/math.js:3:9)', root), [
      { file: 'src/math.js', line: 3, column: 9, fn: 'Object.add' },
    ]);
  });

  it('reads anonymous `at file:line:col` frames and function names with spaces', () => {
    assert.deepEqual(parseStack('    at /work/app/a.js:1:2\n    at async Promise.all (/work/app/b.js:5:6)', root), [
      { file: 'a.js', line: 1, column: 2 },
      { file: 'b.js', line: 5, column: 6, fn: 'async Promise.all' },
    ]);
  });

  it('converts file:// URLs of ES modules to paths', () => {
    assert.deepEqual(parseFrame('    at file:///work/app/src/esm.mjs:7:1', root), { file: 'src/esm.mjs', line: 7, column: 1 });
    assert.deepEqual(parseFrame('    at run (file:///opt/lib/x.mjs:2:3)', root), { file: '/opt/lib/x.mjs', line: 2, column: 3, fn: 'run' });
  });

  it('reads the bare lines of a node:test TAP stack block', () => {
    assert.deepEqual(parseStack('TestContext.<anonymous> (/work/app/t.test.js:10:12)\nTest.run (node:internal/test_runner/test:796:25)', root), [
      { file: 't.test.js', line: 10, column: 12, fn: 'TestContext.<anonymous>' },
      { file: 'node:internal/test_runner/test', line: 796, column: 25, fn: 'Test.run' },
    ]);
  });

  it("reads vitest's ❯ frames, with or without a function", () => {
    assert.deepEqual(parseStack(' ❯ math.test.js:9:23\n ❯ formatError ../lib/x.js:91:17', root), [
      { file: 'math.test.js', line: 9, column: 23 },
      { file: '/work/lib/x.js', line: 91, column: 17, fn: 'formatError' },
    ]);
  });

  it('takes relative paths as relative to the workspace root, as mocha and jest print them', () => {
    assert.deepEqual(parseFrame('at Context.<anonymous> (test/a.test.js:4:5)', root), {
      file: 'test/a.test.js',
      line: 4,
      column: 5,
      fn: 'Context.<anonymous>',
    });
  });

  it('ignores lines that are not frames', () => {
    const noise = [
      'SyntaxError: /work/app/a.js: Unexpected token (2:10)',
      '    at new Promise (<anonymous>)',
      '    at async Promise.all (index 0)',
      'expected 1 to equal 2',
      'At file: /a.js:2:10',
      '',
    ].join('\n');
    assert.deepEqual(parseStack(noise, root), []);
  });
});

describe('toWorkspacePath', () => {
  it('keeps node: built-ins and paths outside the workspace as they are', () => {
    assert.equal(toWorkspacePath('node:internal/timers', root), 'node:internal/timers');
    assert.equal(toWorkspacePath('/work/other/x.js', root), '/work/other/x.js');
    assert.equal(toWorkspacePath('/work/app/deep/x.js', root), 'deep/x.js');
  });
});

describe('projectFrames', () => {
  it('keeps only frames in the workspace and outside node_modules', () => {
    const frames = parseStack(
      [
        'at a (/work/app/src/a.js:1:1)',
        'at b (/work/app/node_modules/lib/b.js:2:2)',
        'at c (node:internal/process/task_queues:95:5)',
        'at d (/usr/lib/e.js:3:3)',
        'at e (/work/app/test/e.test.js:4:4)',
      ].join('\n'),
      root,
    );
    assert.deepEqual(
      projectFrames(frames).map((frame) => frame.file),
      ['src/a.js', 'test/e.test.js'],
    );
  });
});
