import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { dependencyCandidate, overlayNodeModules, planDependency, type Installer } from '../../../../src/core/healing/infra/dependency';
import { runInfraEngine } from '../../../../src/core/healing/infra/engine';
import { applyEdits } from '../../../../src/core/edits';
import { fingerprint, makeProject, tempDir } from '../../../helpers/repo';
import { infraHarness } from './harness';

/** Installs a tiny left-pad without a registry, and can update a lockfile; counts its calls. */
function fakeInstaller(options: { fail?: boolean } = {}): Installer & { installed: string[] } {
  const installed: string[] = [];
  return {
    installed,
    install(pkg, prefix) {
      if (options.fail) return Promise.reject(new Error('npm could not reach the registry'));
      installed.push(pkg);
      const dir = path.join(prefix, 'node_modules', pkg);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: pkg, version: '1.3.0', main: 'index.js' }));
      fs.writeFileSync(path.join(dir, 'index.js'), "module.exports = (s, n, c) => String(s).padStart(n, c ?? ' ');\n");
      return Promise.resolve('1.3.0');
    },
    updateLock(dir) {
      const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
      lock.packages['node_modules/left-pad'] = { version: '1.3.0' };
      fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
      return Promise.resolve(true);
    },
  };
}

const files = (map: Record<string, string>) => (rel: string) => Promise.resolve(map[rel]);

/** Hashes every path and link target under `dir`, without following links. */
function treeHash(dir: string): string {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      out.push(e.isSymbolicLink() ? `${child} -> ${fs.readlinkSync(path.join(dir, child))}` : child);
      if (e.isDirectory()) visit(child);
    }
  };
  visit('');
  return out.sort().join('\n');
}

describe('the missing-dependency template', () => {
  it('adds a package imported by the code to dependencies, and one imported only by tests to devDependencies', async () => {
    const pkg = files({ 'package.json': '{"name":"x"}' });
    assert.deepEqual(await planDependency('left-pad', 'src/format.js', pkg), {
      kind: 'add',
      pkg: 'left-pad',
      section: 'dependencies',
      command: 'npm install left-pad',
    });
    assert.deepEqual(await planDependency('chai', 'test/a.test.js', pkg), {
      kind: 'add',
      pkg: 'chai',
      section: 'devDependencies',
      command: 'npm install --save-dev chai',
    });
    const yarn = await planDependency('chai', 'test/a.test.js', files({ 'package.json': '{}', 'yarn.lock': '' }));
    assert.equal(typeof yarn !== 'string' && yarn.kind === 'add' && yarn.command, 'yarn add -D chai');
  });

  it('tells to install the dependencies when package.json lists the package already', async () => {
    const plan = await planDependency('left-pad', 'src/a.js', files({ 'package.json': '{"devDependencies":{"left-pad":"^1.0.0"}}' }));
    assert.equal(typeof plan !== 'string' && plan.kind, 'listed');
    assert.match(
      typeof plan !== 'string' && plan.kind === 'listed' ? plan.advice : '',
      /left-pad is in package\.json \(devDependencies\) but not installed here\. Install the dependencies \(npm ci/,
    );
  });

  it('writes the entry npm would write: in alphabetical place, with the file’s own indentation', async () => {
    const text = '{\n    "name": "shop",\n    "dependencies": {\n        "express": "^4.0.0",\n        "zod": "^3.0.0"\n    }\n}\n';
    const { candidate } = await dependencyCandidate(
      { kind: 'add', pkg: 'left-pad', section: 'dependencies', command: 'npm install left-pad' },
      '1.3.0',
      files({ 'package.json': text }),
      fakeInstaller(),
    );
    assert.equal(
      applyEdits(text, candidate.edits),
      '{\n    "name": "shop",\n    "dependencies": {\n        "express": "^4.0.0",\n        "left-pad": "^1.3.0",\n        "zod": "^3.0.0"\n    }\n}\n',
    );
    assert.equal(candidate.summary, 'add left-pad ^1.3.0 to dependencies (as `npm install left-pad` would)');
  });

  it('adds a missing section last, as npm does', async () => {
    const text = '{\n  "name": "shop",\n  "scripts": {\n    "test": "node --test"\n  }\n}\n';
    const { candidate } = await dependencyCandidate(
      { kind: 'add', pkg: 'chai', section: 'devDependencies', command: 'npm install --save-dev chai' },
      '5.1.0',
      files({ 'package.json': text }),
      fakeInstaller(),
    );
    assert.equal(
      applyEdits(text, candidate.edits),
      '{\n  "name": "shop",\n  "scripts": {\n    "test": "node --test"\n  },\n  "devDependencies": {\n    "chai": "^5.1.0"\n  }\n}\n',
    );
  });

  it('updates package-lock.json too, so that `npm ci` accepts the branch', async () => {
    const map = { 'package.json': '{"name":"shop"}', 'package-lock.json': JSON.stringify({ name: 'shop', lockfileVersion: 3, packages: {} }, null, 2) + '\n' };
    const { candidate, files: before } = await dependencyCandidate(
      { kind: 'add', pkg: 'left-pad', section: 'dependencies', command: 'npm install left-pad' },
      '1.3.0',
      files(map),
      fakeInstaller(),
    );
    assert.deepEqual([...new Set(candidate.edits.map((e) => e.file))], ['package.json', 'package-lock.json']);
    assert.deepEqual(
      before.map((f) => f.file),
      ['package.json', 'package-lock.json'],
    );
    assert.match(
      applyEdits(
        map['package-lock.json'],
        candidate.edits.filter((e) => e.file === 'package-lock.json'),
      ),
      /"node_modules\/left-pad"/,
    );
  });

  it('lays extra packages over a linked node_modules without writing to the folder it links to', async () => {
    const user = tempDir();
    fs.mkdirSync(path.join(user, 'node_modules/@acme/a'), { recursive: true });
    fs.mkdirSync(path.join(user, 'node_modules/mocha'), { recursive: true });
    const extra = tempDir();
    fs.mkdirSync(path.join(extra, '@acme/b'), { recursive: true });
    fs.mkdirSync(path.join(extra, 'left-pad'), { recursive: true });
    const sandbox = tempDir();
    fs.symlinkSync(path.join(user, 'node_modules'), path.join(sandbox, 'node_modules'));
    const before = treeHash(user);
    const undo = await overlayNodeModules(sandbox, extra);
    assert.deepEqual(fs.readdirSync(path.join(sandbox, 'node_modules')).sort(), ['@acme', 'left-pad', 'mocha']);
    assert.deepEqual(fs.readdirSync(path.join(sandbox, 'node_modules/@acme')).sort(), ['a', 'b']);
    assert.equal(treeHash(user), before, "the user's node_modules is untouched");
    await undo();
    assert.equal(fs.readlinkSync(path.join(sandbox, 'node_modules')), path.join(user, 'node_modules'));
    assert.equal(treeHash(user), before);
  });
});

describe('the missing-dependency template with real runs', () => {
  const project = (): string => {
    const dir = makeProject({
      '.gitignore': 'node_modules\n',
      'package.json': '{\n  "name": "pad",\n  "scripts": {\n    "test": "node --test"\n  }\n}\n',
      'test/pad.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\ntest('pads', () => {\n  const leftPad = require('left-pad');\n  assert.equal(leftPad('7', 3, '0'), '007');\n});\ntest('adds', () => assert.equal(1 + 1, 2));\n",
      'node_modules/installed-already/index.js': 'module.exports = 1;\n',
    });
    return dir;
  };

  it('verifies the package.json entry by installing the package in the sandbox only', async () => {
    const dir = project();
    const before = fingerprint(dir);
    const modules = treeHash(path.join(dir, 'node_modules'));
    const installer = fakeInstaller();
    const h = await infraHarness(dir);
    try {
      assert.match(h.baseline.failures[0].message, /Cannot find module 'left-pad'/);
      const result = await runInfraEngine({ ...h.input, installer });
      assert.ok(result.candidate, result.advice);
      assert.equal(result.candidate.summary, 'add left-pad ^1.3.0 to devDependencies (as `npm install --save-dev left-pad` would)');
      assert.equal(result.advice, undefined);
      assert.deepEqual(installer.installed, ['left-pad']);
      assert.ok(!fs.existsSync(path.join(h.sandbox.cwd, 'node_modules/left-pad')), 'the sandbox is back to the user’s packages');
    } finally {
      await h.dispose();
    }
    assert.equal(fingerprint(dir), before);
    assert.equal(treeHash(path.join(dir, 'node_modules')), modules, "nothing was installed into the user's node_modules");
  });

  it('says what to run when the package cannot be installed to check', async () => {
    const h = await infraHarness(project());
    try {
      const result = await runInfraEngine({ ...h.input, installer: fakeInstaller({ fail: true }) });
      assert.equal(result.candidate, undefined);
      assert.equal(
        result.advice,
        'left-pad is not in package.json. Add it with `npm install --save-dev left-pad`. (Self-Heal could not install it to check: npm could not reach the registry)',
      );
    } finally {
      await h.dispose();
    }
  });

  it('refuses to install into the workspace itself', async () => {
    const dir = project();
    const h = await infraHarness(dir);
    try {
      await assert.rejects(
        runInfraEngine({
          ...h.input,
          sandbox: { cwd: dir, read: (rel) => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined) },
          installer: fakeInstaller(),
        }),
        /installed in the sandbox only/,
      );
    } finally {
      await h.dispose();
    }
  });
});
