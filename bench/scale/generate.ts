/**
 * Synthetic repositories for the scale benchmark: N JavaScript files of ~100 lines in folders of
 * 100, a real node:test suite (one test file per folder that imports and checks every file of
 * its folder), and one injected off-by-one bug, committed with real git. At 10k files that is
 * 1M lines. Every file differs (git would otherwise store one blob), and the whole repository
 * is a function of its size, so two runs measure the same thing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FILES_PER_FOLDER = 100;

export interface GeneratedRepo {
  dir: string;
  files: number;
  lines: number;
  bytes: number;
  /** The file with the injected bug, and the test file that catches it. */
  bugFile: string;
  testFile: string;
  ms: number;
}

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

/** One source file, ~100 lines: eight small functions whose constants depend on the file's index. */
export function sourceFile(index: number, buggy: boolean): string {
  const k = index + 1;
  const lines = [
    `/** Module ${index}: arithmetic helpers (generated for the scale benchmark). */`,
    "'use strict';",
    '',
    `const OFFSET = ${k % 97};`,
    `const SCALE = ${(k % 13) + 2};`,
    '',
    '/** Sum of the integers from `a` to `b`, both included. */',
    'function sumRange(a, b) {',
    '  let total = 0;',
    `  for (let i = a; ${buggy ? 'i < b' : 'i <= b'}; i++) {`,
    '    total += i;',
    '  }',
    '  return total;',
    '}',
    '',
  ];
  const bodies = [
    ['shift', 'x', ['  const y = x + OFFSET;', '  if (y < 0) {', '    return 0;', '  }', '  return y;']],
    ['scale', 'x', ['  const y = x * SCALE;', '  if (Number.isNaN(y)) {', "    throw new TypeError('not a number');", '  }', '  return y;']],
    ['clamp', 'x', ['  const low = -OFFSET;', '  const high = OFFSET * SCALE;', '  if (x < low) return low;', '  if (x > high) return high;', '  return x;']],
    [
      'digits',
      'x',
      [
        '  const out = [];',
        '  let n = Math.abs(Math.trunc(x));',
        '  do {',
        '    out.unshift(n % 10);',
        '    n = Math.floor(n / 10);',
        '  } while (n > 0);',
        '  return out;',
      ],
    ],
    ['label', 'x', [`  const names = ['zero', 'one', 'two', 'three'];`, '  const i = Math.abs(x) % names.length;', `  return \`\${names[i]}-${k}\`;`]],
    [
      'average',
      'xs',
      ['  if (xs.length === 0) {', '    return 0;', '  }', '  let sum = 0;', '  for (const x of xs) {', '    sum += x;', '  }', '  return sum / xs.length;'],
    ],
    ['evens', 'xs', ['  const out = [];', '  for (const x of xs) {', '    if (x % 2 === 0) {', '      out.push(x);', '    }', '  }', '  return out;']],
  ] as const;
  for (const [name, param, body] of bodies) {
    lines.push(`/** ${name} (module ${index}). */`, `function ${name}(${param}) {`, ...body, '}', '');
  }
  while (lines.length < 98) lines.push(`// padding line ${lines.length} of module ${index}`);
  lines.push('', `module.exports = { sumRange, ${bodies.map(([name]) => name).join(', ')} };`, '');
  return lines.join('\n');
}

function testFile(folder: number, first: number, count: number): string {
  const lines = ["'use strict';", "const test = require('node:test');", "const assert = require('node:assert');", ''];
  for (let i = 0; i < count; i++) lines.push(`const m${first + i} = require('../src/m${folder}/f${first + i}.js');`);
  lines.push('');
  // Ten tests per file, each checking ten modules: the failing one names the buggy module.
  for (let group = 0; group < count; group += 10) {
    lines.push(`test('folder ${folder}: modules ${first + group}–${first + Math.min(group + 10, count) - 1} sum ranges', () => {`);
    for (let i = group; i < Math.min(group + 10, count); i++)
      lines.push(`  assert.strictEqual(m${first + i}.sumRange(1, 4), 10);`, `  assert.deepStrictEqual(m${first + i}.evens([1, 2, 3, 4]), [2, 4]);`);
    lines.push('});', '');
  }
  return lines.join('\n');
}

/** Write and commit a repository of `files` source files into `dir` (which must not exist). */
export function generateRepo(dir: string, files: number): GeneratedRepo {
  const started = Date.now();
  const folders = Math.ceil(files / FILES_PER_FOLDER);
  const bugIndex = Math.floor(folders / 2) * FILES_PER_FOLDER + 37;
  const bugFolder = Math.floor(bugIndex / FILES_PER_FOLDER);
  let lines = 0;
  let bytes = 0;
  fs.mkdirSync(path.join(dir, 'test'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `scale-${files}`, private: true, scripts: { test: 'node --test' } }, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  for (let folder = 0; folder < folders; folder++) {
    const first = folder * FILES_PER_FOLDER;
    const count = Math.min(FILES_PER_FOLDER, files - first);
    fs.mkdirSync(path.join(dir, 'src', `m${folder}`), { recursive: true });
    for (let i = first; i < first + count; i++) {
      const text = sourceFile(i, i === bugIndex);
      lines += text.split('\n').length - 1;
      bytes += text.length;
      fs.writeFileSync(path.join(dir, 'src', `m${folder}`, `f${i}.js`), text);
    }
    fs.writeFileSync(path.join(dir, 'test', `m${folder}.test.js`), testFile(folder, first, count));
  }
  execFileSync('git', ['init', '-q'], { cwd: dir, env: gitEnv });
  execFileSync('git', ['add', '-A'], { cwd: dir, env: gitEnv });
  // No background auto-gc: it would race the explicit one below.
  execFileSync('git', ['-c', 'gc.auto=0', 'commit', '-qm', `synthetic repository of ${files} files`], { cwd: dir, env: gitEnv });
  // Packed, as a cloned repository is: 10k loose objects read for the first time cost seconds that no user pays.
  execFileSync('git', ['gc', '--quiet'], { cwd: dir, env: gitEnv });
  return { dir, files, lines, bytes, bugFile: `src/m${bugFolder}/f${bugIndex}.js`, testFile: `test/m${bugFolder}.test.js`, ms: Date.now() - started };
}
