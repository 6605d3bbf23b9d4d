/** A monorepo's sandbox: links to workspace packages lead into the sandbox, everything else to the workspace's node_modules. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { platformFor } from '../../../src/core/verify/platform';
import { createSandbox } from '../../../src/core/verify/sandbox';
import { linkWorkspaceModules } from '../../../src/core/verify/workspaceLinks';
import { fakeEffects } from '../../fakes/platformEffects';
import { git, makeProject, tempDir } from '../../helpers/repo';

function monorepo(): string {
  const dir = makeProject(
    {
      'package.json': '{"private":true,"workspaces":["packages/*"]}',
      '.gitignore': 'node_modules\n',
      'packages/text/package.json': '{"name":"@acme/text"}',
      'packages/text/index.js': 'module.exports = 1;\n',
      'packages/app/package.json': '{"name":"app"}',
      'packages/app/index.js': "module.exports = require('@acme/text');\n",
      'node_modules/left-pad/index.js': 'module.exports = 2;\n',
      'packages/app/node_modules/only-app/index.js': 'module.exports = 3;\n',
    },
    { commit: false },
  );
  fs.mkdirSync(path.join(dir, 'node_modules/@acme'));
  fs.symlinkSync('../../packages/text', path.join(dir, 'node_modules/@acme/text'), 'dir');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

describe('workspace links in the sandbox', () => {
  it("points a workspace package's link at the sandbox's copy, and other dependencies at the workspace's", async () => {
    const dir = monorepo();
    const sandbox = await createSandbox({ root: dir });
    try {
      assert.equal(fs.realpathSync(path.join(sandbox.cwd, 'node_modules/@acme/text')), fs.realpathSync(path.join(sandbox.cwd, 'packages/text')));
      assert.equal(fs.realpathSync(path.join(sandbox.cwd, 'node_modules/left-pad')), path.join(dir, 'node_modules/left-pad'));
      assert.equal(
        fs.realpathSync(path.join(sandbox.cwd, 'packages/app/node_modules/only-app')),
        path.join(dir, 'packages/app/node_modules/only-app'),
        "a package's own node_modules is there too",
      );
      await sandbox.write('packages/text/index.js', 'module.exports = 42;\n');
      assert.equal(
        fs.readFileSync(path.join(sandbox.cwd, 'node_modules/@acme/text/index.js'), 'utf8'),
        'module.exports = 42;\n',
        'a candidate in the package is what its importers load',
      );
      assert.equal(fs.readFileSync(path.join(dir, 'packages/text/index.js'), 'utf8'), 'module.exports = 1;\n', "the user's file is untouched");
    } finally {
      await sandbox.dispose();
    }
  });

  it("does the same for a sandbox of one package's folder, so the package's tests find the monorepo's dependencies", async () => {
    const dir = monorepo();
    const sandbox = await createSandbox({ root: path.join(dir, 'packages/app') });
    try {
      const sandboxRoot = path.resolve(sandbox.cwd, '../..');
      assert.equal(fs.realpathSync(path.join(sandboxRoot, 'node_modules/@acme/text')), fs.realpathSync(path.join(sandboxRoot, 'packages/text')));
      assert.equal(fs.realpathSync(path.join(sandboxRoot, 'node_modules/left-pad')), path.join(dir, 'node_modules/left-pad'));
    } finally {
      await sandbox.dispose();
    }
  });

  it('does nothing for a project without workspaces', async () => {
    const project = makeProject({ 'package.json': '{"name":"one"}', 'node_modules/x/index.js': '' }, { commit: false });
    const sandbox = tempDir();
    assert.equal(await linkWorkspaceModules(project, sandbox, sandbox), false);
    assert.deepEqual(fs.readdirSync(sandbox), []);
  });

  it('on Windows links each package with a junction, the workspace package to the sandbox copy, and copies a file entry', async () => {
    const dir = monorepo();
    fs.writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), '{}\n');
    const sandboxDir = tempDir();
    git(sandboxDir, 'clone', '-q', dir, 'repo');
    const sandboxCwd = path.join(sandboxDir, 'repo');
    const { effects, recorded } = fakeEffects();
    const linked = await linkWorkspaceModules(
      dir,
      sandboxCwd,
      sandboxDir,
      platformFor('win32', { ...effects, isFolder: (target) => Promise.resolve(fs.statSync(target).isDirectory()) }),
    );
    assert.equal(linked, true);
    assert.deepEqual(
      recorded.symlinks.sort((a, b) => a.at.localeCompare(b.at)),
      [
        { target: path.join(sandboxCwd, 'packages/text'), at: path.join(sandboxCwd, 'node_modules/@acme/text'), type: 'junction' },
        { target: path.join(dir, 'node_modules/left-pad'), at: path.join(sandboxCwd, 'node_modules/left-pad'), type: 'junction' },
        { target: path.join(dir, 'packages/app/node_modules/only-app'), at: path.join(sandboxCwd, 'packages/app/node_modules/only-app'), type: 'junction' },
      ],
    );
    assert.deepEqual(recorded.copies, [
      { target: path.join(dir, 'node_modules/.package-lock.json'), at: path.join(sandboxCwd, 'node_modules/.package-lock.json') },
    ]);
  });
});
