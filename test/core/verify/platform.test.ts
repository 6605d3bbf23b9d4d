/** How a test command is started, its process tree ended and a folder linked, on Windows and on POSIX (Windows with fakes). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { platformFor } from '../../../src/core/verify/platform';
import { tempDir } from '../../helpers/repo';
import { fakeEffects } from '../../fakes/platformEffects';

const ENV = { PATH: 'x' };

describe('platform on Windows', () => {
  it('runs a command line through cmd.exe /d /s /c with the line quoted whole, never /bin/sh, in no detached group', () => {
    const { effects, recorded } = fakeEffects();
    platformFor('win32', effects).spawnShell('npx mocha "test/a b.test.js"', { cwd: 'C:\\work\\app', env: ENV });
    assert.equal(recorded.spawns.length, 1);
    const [spawned] = recorded.spawns;
    assert.equal(spawned.file, 'C:\\Windows\\system32\\cmd.exe');
    assert.deepEqual(spawned.args, ['/d', '/s', '/c', '"npx mocha "test/a b.test.js""']);
    assert.equal(spawned.options.windowsVerbatimArguments, true, 'Node must not re-quote what cmd.exe will parse');
    assert.equal(spawned.options.detached, false, 'detached on Windows opens a console, it makes no group');
    assert.equal(spawned.options.windowsHide, true);
    assert.equal(spawned.options.cwd, 'C:\\work\\app');
    assert.deepEqual(spawned.options.stdio, ['ignore', 'pipe', 'pipe']);
    assert.ok(!recorded.spawns.some((s) => s.file === '/bin/sh' || s.args.includes('-c')));
  });

  it('finds cmd.exe by name when %ComSpec% is not set', () => {
    const { effects, recorded } = fakeEffects();
    platformFor('win32', { ...effects, comspec: undefined }).spawnShell('npm test', { cwd: 'C:\\app', env: ENV });
    assert.equal(recorded.spawns[0].file, 'cmd.exe');
  });

  it('quotes an argument with double quotes for cmd.exe and the C runtime, never single quotes', () => {
    const quote = platformFor('win32', fakeEffects().effects).quote;
    assert.equal(quote('test/a.test.js'), 'test/a.test.js', 'a plain word stays as it is');
    assert.equal(quote('adds two & more'), '"adds two & more"');
    assert.equal(quote("it's (really) 100%"), `"it's (really) 100%"`);
    assert.equal(quote('say "hi"'), '"say \\"hi\\""');
    assert.equal(quote('C:\\my dir\\'), '"C:\\my dir\\\\"', 'a trailing backslash is doubled, or it would escape the closing quote');
  });

  it('ends a tree with taskkill /pid N /T /F on the positive pid, and sends no signal', () => {
    const { effects, recorded } = fakeEffects();
    platformFor('win32', effects).killTree(4242);
    assert.deepEqual(recorded.runs, [{ file: 'taskkill', args: ['/pid', '4242', '/T', '/F'] }]);
    assert.deepEqual(recorded.kills, [], 'no process.kill, so no negative pid');
  });

  it('keeps forked workers in its own console, hidden, and closes orphaned pipes after a grace', () => {
    const platform = platformFor('win32', fakeEffects().effects);
    assert.deepEqual(platform.treeRoot, { detached: false, windowsHide: true });
    assert.ok(platform.orphanPipeGraceMs !== undefined && platform.orphanPipeGraceMs > 0);
  });

  it('links a folder with a junction, which needs no privilege', async () => {
    const { effects, recorded } = fakeEffects({ folders: ['C:\\app\\node_modules'] });
    await platformFor('win32', effects).link('C:\\app\\node_modules', 'C:\\tmp\\sbx\\node_modules');
    assert.deepEqual(recorded.symlinks, [{ target: 'C:\\app\\node_modules', at: 'C:\\tmp\\sbx\\node_modules', type: 'junction' }]);
    assert.deepEqual(recorded.copies, []);
  });

  it('copies the folder only when the junction fails (a network drive, FAT)', async () => {
    const { effects, recorded } = fakeEffects({ folders: ['\\\\server\\share\\node_modules'], symlinkFails: true });
    await platformFor('win32', effects).link('\\\\server\\share\\node_modules', 'C:\\tmp\\sbx\\node_modules');
    assert.deepEqual(recorded.copies, [{ target: '\\\\server\\share\\node_modules', at: 'C:\\tmp\\sbx\\node_modules' }]);
  });

  it('copies a file entry (a junction leads only to a folder)', async () => {
    const { effects, recorded } = fakeEffects();
    await platformFor('win32', effects).link('C:\\app\\node_modules\\.package-lock.json', 'C:\\tmp\\sbx\\node_modules\\.package-lock.json');
    assert.deepEqual(recorded.symlinks, []);
    assert.deepEqual(recorded.copies, [{ target: 'C:\\app\\node_modules\\.package-lock.json', at: 'C:\\tmp\\sbx\\node_modules\\.package-lock.json' }]);
  });
});

describe('platform on Linux', () => {
  it('runs a command line through /bin/sh -c as the leader of a new process group', () => {
    const { effects, recorded } = fakeEffects();
    platformFor('linux', effects).spawnShell('npm test', { cwd: '/work/app', env: ENV });
    assert.deepEqual(
      recorded.spawns.map((s) => [s.file, s.args, s.options.detached]),
      [['/bin/sh', ['-c', 'npm test'], true]],
    );
    assert.deepEqual(recorded.spawns[0].options.stdio, ['ignore', 'pipe', 'pipe']);
  });

  it('quotes an argument with single quotes for /bin/sh', () => {
    const quote = platformFor('linux', fakeEffects().effects).quote;
    assert.equal(quote('test/a.test.js'), 'test/a.test.js');
    assert.equal(quote('adds two'), "'adds two'");
    assert.equal(quote("it's"), `'it'\\''s'`);
  });

  it('ends a tree by SIGKILL to the negative pid (the group), quietly when it is gone', () => {
    const { effects, recorded } = fakeEffects();
    const platform = platformFor('linux', effects);
    platform.killTree(4242);
    assert.deepEqual(recorded.kills, [{ pid: -4242, signal: 'SIGKILL' }]);
    assert.deepEqual(recorded.runs, []);
    const gone = platformFor('linux', {
      ...effects,
      kill: () => {
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      },
    });
    assert.doesNotThrow(() => gone.killTree(4242));
  });

  it('forks workers detached (their own group), and kills orphans on exit instead of waiting', () => {
    const platform = platformFor('linux', fakeEffects().effects);
    assert.deepEqual(platform.treeRoot, { detached: true });
    assert.equal(platform.orphanPipeGraceMs, undefined);
  });

  it('links a folder with a symlink, never a copy', async () => {
    const { effects, recorded } = fakeEffects();
    await platformFor('linux', effects).link('/work/app/node_modules', '/dev/shm/sbx/node_modules');
    assert.deepEqual(recorded.symlinks, [{ target: '/work/app/node_modules', at: '/dev/shm/sbx/node_modules', type: 'dir' }]);
    assert.deepEqual(recorded.copies, []);
  });

  it('makes a real symlink with the real effects', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'target'));
    fs.writeFileSync(path.join(dir, 'target', 'index.js'), 'ok\n');
    await platformFor('linux').link(path.join(dir, 'target'), path.join(dir, 'link'));
    assert.equal(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink(), true);
    assert.equal(fs.readFileSync(path.join(dir, 'link', 'index.js'), 'utf8'), 'ok\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
