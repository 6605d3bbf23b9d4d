import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createSandbox, pruneStaleSandboxes, SANDBOX_PREFIX, workspaceState } from '../../../src/core/verify/sandbox';
import { fingerprint, git, makeProject, tempDir } from '../../helpers/repo';

describe('sandbox', () => {
  it('holds HEAD plus staged, unstaged and untracked changes, and unsaved buffers', async () => {
    const dir = makeProject({ 'a.js': 'one\n', 'b.js': 'two\n', 'gone.js': 'x\n', '.gitignore': 'secret.txt\n' });
    fs.writeFileSync(path.join(dir, 'a.js'), 'one staged\n');
    git(dir, 'add', 'a.js');
    fs.writeFileSync(path.join(dir, 'b.js'), 'two unstaged\n');
    fs.writeFileSync(path.join(dir, 'new.js'), 'untracked\n');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'ignored\n');
    fs.rmSync(path.join(dir, 'gone.js'));
    const before = fingerprint(dir);
    const sandbox = await createSandbox({ root: dir, buffers: { 'a.js': 'unsaved buffer\n' } });
    try {
      assert.equal(await sandbox.read('a.js'), 'unsaved buffer\n');
      assert.equal(await sandbox.read('b.js'), 'two unstaged\n');
      assert.equal(await sandbox.read('new.js'), 'untracked\n');
      assert.equal(await sandbox.read('gone.js'), undefined);
      assert.equal(await sandbox.read('secret.txt'), undefined, 'ignored files stay out');
    } finally {
      await sandbox.dispose();
    }
    assert.equal(fs.existsSync(sandbox.dir), false, 'the sandbox folder is removed');
    assert.equal(fingerprint(dir), before, 'the user repo is byte-identical, index and HEAD included');
    assert.equal(git(dir, 'worktree', 'list').trim().split('\n').length, 1, 'no worktree entry is left');
  });

  it('writes candidates into the sandbox only, and reset restores the user state', async () => {
    const dir = makeProject({ 'src/x.js': 'original\n' });
    const sandbox = await createSandbox({ root: dir });
    try {
      await sandbox.write('src/x.js', 'candidate\n');
      await sandbox.write('src/new.js', 'created\n');
      assert.equal(fs.readFileSync(path.join(dir, 'src/x.js'), 'utf8'), 'original\n');
      await sandbox.reset();
      assert.equal(await sandbox.read('src/x.js'), 'original\n');
      assert.equal(await sandbox.read('src/new.js'), undefined);
      assert.throws(() => sandbox.path('../outside.js'), /outside the workspace/);
    } finally {
      await sandbox.dispose();
    }
  });

  it('links node_modules instead of copying it', async () => {
    const dir = makeProject({ 'package.json': '{}', '.gitignore': 'node_modules\n' });
    fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    const sandbox = await createSandbox({ root: dir });
    try {
      assert.equal(fs.lstatSync(path.join(sandbox.cwd, 'node_modules')).isSymbolicLink(), true);
    } finally {
      await sandbox.dispose();
    }
  });

  it('copies the tree, honouring .gitignore, when there is no git', async () => {
    const dir = makeProject({ 'a.js': 'a\n', '.gitignore': 'build/\n', 'build/out.js': 'x\n' }, { commit: false });
    const sandbox = await createSandbox({ root: dir });
    try {
      assert.equal(await sandbox.read('a.js'), 'a\n');
      assert.equal(await sandbox.read('build/out.js'), undefined);
    } finally {
      await sandbox.dispose();
    }
  });

  it('works from a workspace that is a subfolder of the repository', async () => {
    const dir = makeProject({ 'packages/app/index.js': 'app\n' });
    const sandbox = await createSandbox({ root: path.join(dir, 'packages/app') });
    try {
      assert.equal(await sandbox.read('index.js'), 'app\n');
    } finally {
      await sandbox.dispose();
    }
  });

  it('prunes sandboxes left behind by a dead process', async () => {
    const stale = path.join(os.tmpdir(), `${SANDBOX_PREFIX}999999999-dead`);
    fs.mkdirSync(stale, { recursive: true });
    const removed = await pruneStaleSandboxes(undefined);
    assert.ok(removed >= 1);
    assert.equal(fs.existsSync(stale), false);
  });

  it('has its own refs and config: git commands run in it never reach the user repository', async () => {
    const dir = makeProject({ 'a.js': 'a\n' });
    const before = fingerprint(dir);
    const config = fs.readFileSync(path.join(dir, '.git/config'), 'utf8');
    const sandbox = await createSandbox({ root: dir });
    try {
      git(sandbox.cwd, 'tag', 'from-a-test');
      git(sandbox.cwd, 'branch', 'from-a-test');
      git(sandbox.cwd, 'config', 'user.name', 'a test');
    } finally {
      await sandbox.dispose();
    }
    assert.equal(git(dir, 'tag', '--list').trim(), '');
    assert.equal(fs.readFileSync(path.join(dir, '.git/config'), 'utf8'), config);
    assert.equal(fingerprint(dir), before);
  });

  it('says where a symlinked file or folder really leads, and refuses to write through it', async () => {
    const outside = tempDir('self-heal-outside-');
    fs.writeFileSync(path.join(outside, 'x.js'), 'outside\n');
    const dir = makeProject({ 'a.js': 'a\n' });
    fs.symlinkSync(path.join(outside, 'x.js'), path.join(dir, 'linked.js'));
    fs.symlinkSync(outside, path.join(dir, 'lib'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'links');
    const sandbox = await createSandbox({ root: dir });
    try {
      assert.equal(await sandbox.outside('a.js'), undefined);
      assert.equal(await sandbox.outside('linked.js'), path.join(outside, 'x.js'));
      assert.equal(await sandbox.outside('lib/x.js'), path.join(outside, 'x.js'));
      await assert.rejects(sandbox.write('lib/x.js', 'candidate\n'), /leads outside the workspace/);
    } finally {
      await sandbox.dispose();
    }
    assert.equal(fs.readFileSync(path.join(outside, 'x.js'), 'utf8'), 'outside\n');
  });
});

describe('sandbox placement', () => {
  it('lives in memory (/dev/shm) when the machine has a writable one with room, else in the temp folder', async () => {
    const dir = makeProject({ 'a.js': 'a\n' });
    const sandbox = await createSandbox({ root: dir });
    try {
      const memory =
        process.platform === 'linux' && fs.existsSync('/dev/shm') && fs.statfsSync('/dev/shm').bavail * fs.statfsSync('/dev/shm').bsize > 1024 ** 3;
      const parent = fs.realpathSync(memory ? '/dev/shm' : os.tmpdir());
      assert.equal(path.dirname(sandbox.dir), parent);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('workspaceState', () => {
  it('changes with the content the tests see, not with commits of the same content', async () => {
    const dir = makeProject({ 'a.js': 'a\n', 'test/a.test.js': 't\n' });
    const first = await workspaceState(dir);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'nothing');
    assert.equal(await workspaceState(dir), first);
    fs.writeFileSync(path.join(dir, 'test/a.test.js'), 't2\n');
    const edited = await workspaceState(dir);
    assert.notEqual(edited, first);
    assert.equal(await workspaceState(dir, { 'test/a.test.js': 't\n' }), first, 'a file counted at a given text');
    fs.writeFileSync(path.join(dir, 'new.js'), 'n\n');
    assert.notEqual(await workspaceState(dir), edited, 'an untracked file counts');
  });

  it('is undefined without git', async () => {
    assert.equal(await workspaceState(makeProject({ 'a.js': 'a\n' }, { commit: false })), undefined);
  });
});
