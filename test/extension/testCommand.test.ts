import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseTestCommand, commandOfTask, isTestCommand, sameTestCommand, type TaskShape } from '../../src/extension/testCommand';

const task = (fields: Partial<TaskShape>): TaskShape => ({ name: 't', source: 'Workspace', isTestGroup: true, isDefault: false, ...fields });

describe('test command', () => {
  it('prefers selfHeal.testCommand over the Test-group task and npm test', () => {
    assert.deepEqual(chooseTestCommand({ setting: 'npx vitest run', tasks: [task({ commandLine: 'node --test' })], hasTestScript: true }), {
      command: 'npx vitest run',
      from: 'setting',
    });
  });

  it('uses the default Test-group task, user-defined before auto-detected', () => {
    const tasks = [
      task({ source: 'npm', npmScript: 'test' }),
      task({ commandLine: 'node --test test/' }),
      task({ isTestGroup: false, commandLine: 'tsc -p .' }),
    ];
    assert.deepEqual(chooseTestCommand({ tasks, hasTestScript: true }), { command: 'node --test test/', from: 'task' });
    tasks.push(task({ source: 'npm', npmScript: 'test:unit', isDefault: true }));
    assert.deepEqual(chooseTestCommand({ tasks, hasTestScript: true }), { command: 'npm run test:unit', from: 'task' });
  });

  it('falls back to npm test, then says what to set', () => {
    assert.deepEqual(chooseTestCommand({ tasks: [], hasTestScript: true }), { command: 'npm test', from: 'npm' });
    const none = chooseTestCommand({ tasks: [task({ isTestGroup: false, commandLine: 'make' })], hasTestScript: false });
    assert.equal(none.command, undefined);
    assert.match((none as { message: string }).message, /Set `selfHeal\.testCommand`/);
  });

  it('reads npm tasks as npm commands', () => {
    assert.equal(commandOfTask(task({ npmScript: 'test' })), 'npm test');
    assert.equal(commandOfTask(task({ npmScript: 'test:e2e' })), 'npm run test:e2e');
    assert.equal(commandOfTask(task({ commandLine: '  ' })), undefined);
  });

  it('recognizes the test commands people type', () => {
    for (const line of [
      'npm test',
      'npm t',
      'npm run test',
      'yarn test',
      'pnpm test -- --watch=false',
      'node --test',
      'node --experimental-strip-types --test src',
      'npx mocha',
      'npx jest --ci',
      'npx vitest run',
      './node_modules/.bin/mocha test',
      'cd pkg && npm test',
    ]) {
      assert.ok(isTestCommand(line), line);
    }
    for (const line of ['npm install', 'node index.js', 'git status', 'ls tests', 'npm run build', 'echo mochaccino']) {
      assert.ok(!isTestCommand(line), line);
    }
  });

  it('knows one test command in its different spellings, so a task read by its terminal is one run', () => {
    for (const [a, b] of [
      ['npm test', 'npm run test'],
      ['npm t', 'npm test'],
      ['npm run-script test', 'npm test'],
      ['npm  test -- --x', 'npm run test -- --x'],
      ['node --test', ' node --test '],
      [' *  Executing task: node --test ', 'node --test'],
    ]) {
      assert.ok(sameTestCommand(a!, b!), `${a} = ${b}`);
    }
    for (const [a, b] of [
      ['npm test', 'npm run test:unit'],
      ['npm test', 'yarn test'],
      ['node --test', 'node --test test/'],
    ]) {
      assert.ok(!sameTestCommand(a!, b!), `${a} ≠ ${b}`);
    }
  });
});
