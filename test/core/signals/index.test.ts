import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripAnsi } from '../../../src/core/signals/ansi';
import { detectRunner, parseReportFile, parseTestOutput, sniffRunner } from '../../../src/core/signals/index';
import { recorded, recordedRoot } from './runnerOutputs';

const ESC = '\u001b';
const BEL = '\u0007';

describe('detectRunner', () => {
  it('recognises each runner in a direct command', () => {
    assert.equal(detectRunner('node --test'), 'node');
    assert.equal(detectRunner('node --import tsx --test "test/**/*.test.ts"'), 'node');
    assert.equal(detectRunner('npx mocha test/*.js'), 'mocha');
    assert.equal(detectRunner('./node_modules/.bin/jest --ci'), 'jest');
    assert.equal(detectRunner('vitest run'), 'vitest');
    assert.equal(detectRunner('CI=1 npx vitest'), 'vitest');
    assert.equal(detectRunner('node test.js'), 'unknown');
    assert.equal(detectRunner('jest --config=jest.config.js'), 'jest');
    assert.equal(detectRunner('node node_modules/mocha/bin/mocha.js'), 'mocha');
    assert.equal(detectRunner('node_modules\\.bin\\jest.cmd'), 'jest');
  });

  it('follows npm test, npm t, npm run, yarn and pnpm to the script they run', () => {
    const packageJson = { scripts: { test: 'mocha', 'test:unit': 'jest', check: 'npm run test:unit', verify: 'vitest --run' } };
    assert.equal(detectRunner('npm test', packageJson), 'mocha');
    assert.equal(detectRunner('npm t', packageJson), 'mocha');
    assert.equal(detectRunner('npm run test:unit', packageJson), 'jest');
    assert.equal(detectRunner('npm run --silent check', packageJson), 'jest');
    assert.equal(detectRunner('yarn test', packageJson), 'mocha');
    assert.equal(detectRunner('yarn verify', packageJson), 'vitest');
    assert.equal(detectRunner('pnpm test', packageJson), 'mocha');
    assert.equal(detectRunner('pnpm run verify', packageJson), 'vitest');
  });

  it('finds the runner after a build step and stops following scripts that loop', () => {
    assert.equal(detectRunner('npm test', { scripts: { test: 'tsc -p . && node --test' } }), 'node');
    assert.equal(detectRunner('npm test', { scripts: { test: 'npm test' } }), 'unknown');
    assert.equal(detectRunner('npm test'), 'unknown');
  });

  it('ignores scripts that are not strings in an untrusted package.json', () => {
    assert.equal(detectRunner('npm test', { scripts: { test: 42 } }), 'unknown');
    assert.equal(detectRunner('npm test', { scripts: 'jest' }), 'unknown');
  });
});

describe('parseTestOutput', () => {
  const cases: [file: string, project: string, runner: string, outcomes: number, failures: number][] = [
    ['node/tap.txt', 'node', 'node', 10, 5],
    ['node/spec.txt', 'node', 'node', 10, 5],
    ['mocha/spec.txt', 'mocha', 'mocha', 8, 5],
    ['mocha/report.json', 'mocha', 'mocha', 8, 5],
    ['jest/human.txt', 'jest', 'jest', 5, 5],
    ['jest/report.json', 'jest', 'jest', 8, 5],
    ['vitest/human.txt', 'vitest', 'vitest', 9, 5],
    ['vitest/report.json', 'vitest', 'vitest', 8, 4],
    ['load-error/mocha.txt', 'load-error', 'mocha', 1, 1],
    ['tsc/pretty.txt', 'tsc', 'tsc', 0, 3],
  ];

  it('recognises each runner from its output alone', () => {
    for (const [file, , runner] of cases) assert.equal(sniffRunner(stripAnsi(recorded(file))), runner, file);
  });

  it('parses the same with the runner named as without it', () => {
    for (const [file, project, runner, outcomes, failures] of cases) {
      const root = recordedRoot(project);
      const named = parseTestOutput(recorded(file), { runner: runner as 'node', root });
      assert.deepEqual([named.outcomes.length, named.failures.length], [outcomes, failures], file);
      assert.deepEqual(parseTestOutput(recorded(file), { root }), named, file);
    }
  });

  it('parses output wrapped in colours and VS Code shell-integration sequences the same as clean output', () => {
    const root = recordedRoot('node');
    const clean = recorded('node/spec.txt');
    const terminal = [
      `${ESC}]633;A${BEL}${ESC}]633;B${BEL}${ESC}]633;E;node --test;1a2b${BEL}${ESC}]633;C${BEL}`,
      ...clean.split('\n').map((line) => line.replace(/^(\s*)(✔|✖)/, `$1${ESC}[31m$2${ESC}[39m`) + '\r'),
      `${ESC}]633;D;1${ESC}\\`,
    ].join('\n');
    assert.deepEqual(parseTestOutput(terminal, { runner: 'node', root }), parseTestOutput(clean, { runner: 'node', root }));
  });

  it('returns empty results for garbage instead of throwing', () => {
    const garbage = [
      '',
      'hello world',
      '{"testResults": 5}',
      '{"tests": [null, 1, {"title": 3}]}',
      'not ok',
      '# Subtest:',
      '\u0000\u0001\u0002',
      '{'.repeat(10_000),
      'TAP version 13\nnot ok 1 - \n  ---\n  :::\n',
    ];
    for (const text of garbage) {
      const result = parseTestOutput(text, { root: '/r' });
      assert.ok(Array.isArray(result.outcomes) && Array.isArray(result.failures), JSON.stringify(text.slice(0, 20)));
    }
    assert.deepEqual(parseTestOutput('hello world', { root: '/r' }), { outcomes: [], failures: [] });
    assert.deepEqual(parseTestOutput('{"testResults": 5}', { runner: 'jest', root: '/r' }), { outcomes: [], failures: [] });
  });

  it('falls back to tsc errors when a type check stopped the tests before they ran', () => {
    const result = parseTestOutput(recorded('tsc/plain.txt'), { runner: 'mocha', root: recordedRoot('tsc') });
    assert.deepEqual(
      result.failures.map((f) => f.id),
      ['math.ts:3:TS2322', 'math.ts:4:TS2353', 'math.ts:6:TS2322'],
    );
  });
});

describe('parseReportFile', () => {
  it('reads the report file of each runner', () => {
    assert.equal(parseReportFile('jest', recorded('jest/report.json'), recordedRoot('jest')).outcomes.length, 8);
    assert.equal(parseReportFile('vitest', recorded('vitest/report.json'), recordedRoot('vitest')).outcomes.length, 8);
    assert.equal(parseReportFile('mocha', recorded('mocha/report.json'), recordedRoot('mocha')).outcomes.length, 8);
    assert.equal(parseReportFile('node', recorded('node/tap.txt'), recordedRoot('node')).outcomes.length, 10);
  });

  it('returns empty results for a truncated or foreign report', () => {
    const truncated = recorded('jest/report.json').slice(0, 500);
    assert.deepEqual(parseReportFile('jest', truncated, '/r'), { outcomes: [], failures: [] });
    assert.deepEqual(parseReportFile('mocha', recorded('jest/report.json'), '/r'), { outcomes: [], failures: [] });
  });
});
