import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { runnerNamed } from '../../../src/core/runners';
import { joinCommand, parseRunnerCommand, withoutFlags } from '../../../src/core/runners/commandLine';
import { testFilesOf } from '../../../src/core/runners/testFiles';
import { expandCommand, narrowCommand, runnerOf, shellQuote } from '../../../src/core/verify/testCommand';
import { makeProject } from '../../helpers/repo';

const mocha = runnerNamed('mocha')!;
const jest = runnerNamed('jest')!;
const node = runnerNamed('node')!;

describe('runner command lines', () => {
  it('tells flag values from test paths, so narrowing replaces only the paths', () => {
    const line = parseRunnerCommand(mocha, 'cross-env NODE_ENV=test mocha --require test/support/env --reporter spec --check-leaks test/ test/acceptance/');
    assert.deepEqual(line, {
      before: ['cross-env', 'NODE_ENV=test'],
      runner: ['mocha'],
      flags: ['--require', 'test/support/env', '--reporter', 'spec', '--check-leaks'],
      paths: ['test/', 'test/acceptance/'],
    });
    assert.equal(
      narrowCommand({ command: 'mocha --require test/support/env --reporter spec --check-leaks test/', runner: 'mocha', simple: true, env: {} }, [
        'test/app.js',
      ]),
      'mocha test/app.js --require test/support/env --reporter spec --check-leaks',
    );
  });

  it('puts paths before the flags, where an array flag such as --reporters cannot swallow them, except for node', () => {
    assert.equal(
      narrowCommand({ command: 'jest --reporters=default src', runner: 'jest', simple: true, env: {} }, ['a.test.js']),
      'jest a.test.js --reporters=default',
    );
    assert.equal(
      narrowCommand({ command: 'node --test --import tsx test/', runner: 'node', simple: true, env: {} }, ['a.test.js']),
      'node --test --import tsx a.test.js',
    );
  });

  it('keeps a subcommand and quoted words as written', () => {
    const vitest = runnerNamed('vitest')!;
    const line = parseRunnerCommand(vitest, `vitest run --testNamePattern 'adds two' src`);
    assert.deepEqual(line?.runner, ['vitest', 'run']);
    assert.deepEqual(line?.flags, ['--testNamePattern', "'adds two'"]);
    assert.equal(joinCommand(vitest, { ...line!, paths: ['a.test.ts'] }), "vitest run a.test.ts --testNamePattern 'adds two'");
  });

  it('counts a command as simple (ours to narrow and to give our reporter) when its shell characters are all inside single quotes', async () => {
    const cwd = makeProject({ 'package.json': '{}' }, { commit: false });
    const simple = async (command: string): Promise<boolean> => (await expandCommand(cwd, command)).simple;
    assert.equal(await simple(`mocha test/ --grep ${shellQuote("^(?:shop don't (x)|y$)$")}`), true);
    assert.equal(await simple('mocha test/ && echo done'), false);
    assert.equal(await simple("mocha '$(x)' $(y)"), false, 'the second $( is outside the quotes');
    assert.equal(await simple('mocha --grep "$NAME" test/'), false, 'double quotes still expand');
  });

  it('takes out the reporter flags ours replace, in either spelling, with their values', () => {
    assert.deepEqual(
      withoutFlags(
        mocha,
        ['--reporter', 'spec', '--check-leaks', '-R', 'dot', '--reporter-option=output=x', '--timeout', '5000'],
        ['--reporter', '-R', '--reporter-option'],
      ),
      ['--check-leaks', '--timeout', '5000'],
    );
    assert.deepEqual(withoutFlags(jest, ['--json', '--outputFile=r.json', '--ci'], ['--json', '--outputFile']), ['--ci']);
  });

  it('finds the runner behind a path or a prefix, and node only with --test', () => {
    assert.equal(runnerOf('node_modules/.bin/_mocha test'), 'mocha');
    assert.equal(runnerOf('NODE_ENV=test nyc mocha'), 'mocha');
    assert.equal(runnerOf('node --test'), 'node');
    assert.equal(runnerOf('node scripts/build.js'), 'unknown');
    assert.equal(parseRunnerCommand(node, 'node scripts/build.js'), undefined);
  });
});

describe('testFilesOf', () => {
  const dir = makeProject(
    {
      'test/a.js': '',
      'test/b.test.js': '',
      'test/deep/c.js': '',
      'test/support/env.js': '',
      'src/x.test.js': '',
      'src/x.js': '',
      'README.md': '',
    },
    { commit: false },
  );
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists a folder one level deep for mocha, deeper with --recursive', async () => {
    assert.deepEqual(await testFilesOf(mocha, 'mocha --require test/support/env test/', dir), ['test/a.js', 'test/b.test.js']);
    assert.deepEqual(await testFilesOf(mocha, 'mocha --recursive test', dir), ['test/a.js', 'test/b.test.js', 'test/deep/c.js', 'test/support/env.js']);
  });

  it('expands globs, and uses the runner’s default patterns when the command names no path', async () => {
    assert.deepEqual(await testFilesOf(mocha, "mocha 'test/**/*.js'", dir), ['test/a.js', 'test/b.test.js', 'test/deep/c.js', 'test/support/env.js']);
    assert.deepEqual(await testFilesOf(jest, 'jest', dir), ['src/x.test.js', 'test/b.test.js']);
    assert.deepEqual(await testFilesOf(mocha, 'mocha', dir), ['test/a.js', 'test/b.test.js']);
  });
});
