/** Module resolution as Node and TypeScript do it, on real files, and the modules a test reaches. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createResolver, exportTarget, moduleSpecifiers, reachableModules } from '../../../src/core/analysis/moduleGraph';
import { makeProject } from '../../helpers/repo';

async function resolvesTo(dir: string, from: string, specifier: string): Promise<string | undefined> {
  const found = await (await createResolver(dir)).resolve(path.join(dir, from), specifier);
  return found && path.relative(dir, found).split(path.sep).join('/');
}

const read =
  (dir: string) =>
  async (rel: string): Promise<string | undefined> =>
    fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);

describe('moduleGraph', () => {
  it("resolves require('../') and require('..') to the package root's main", async () => {
    const dir = makeProject(
      { 'package.json': '{"name":"web","main":"lib/web.js"}', 'lib/web.js': 'module.exports = 1;\n', 'test/app.js': '' },
      { commit: false },
    );
    assert.equal(await resolvesTo(dir, 'test/app.js', '../'), 'lib/web.js');
    assert.equal(await resolvesTo(dir, 'test/app.js', '..'), 'lib/web.js');
  });

  it('resolves a package root without main to its index file, and a folder to its index', async () => {
    const dir = makeProject(
      {
        'package.json': '{"name":"web"}',
        'index.js': "module.exports = require('./lib/web');\n",
        'lib/web.js': '',
        'lib/util/index.ts': '',
        'test/app.js': '',
      },
      { commit: false },
    );
    assert.equal(await resolvesTo(dir, 'test/app.js', '..'), 'index.js');
    assert.equal(await resolvesTo(dir, 'lib/web.js', './util'), 'lib/util/index.ts');
  });

  it('probes extensions, and resolves an ESM specifier ending in .js to the .ts file beside it', async () => {
    const dir = makeProject({ 'src/a.ts': '', 'src/b.mts': '', 'src/c.cjs': '', 'src/d.tsx': '', 'test/a.test.ts': '' }, { commit: false });
    assert.equal(await resolvesTo(dir, 'test/a.test.ts', '../src/a.js'), 'src/a.ts');
    assert.equal(await resolvesTo(dir, 'test/a.test.ts', '../src/b.mjs'), 'src/b.mts');
    assert.equal(await resolvesTo(dir, 'test/a.test.ts', '../src/c'), 'src/c.cjs');
    assert.equal(await resolvesTo(dir, 'test/a.test.ts', '../src/d.js'), 'src/d.tsx');
  });

  it('resolves tsconfig paths with baseUrl from a tsconfig with comments and trailing commas', async () => {
    const tsconfig = `{
  // paths as a Vite or Next project writes them
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@/*": ["src/*"], "#config": ["src/config/index.ts"], },
  },
}`;
    const dir = makeProject({ 'tsconfig.json': tsconfig, 'src/math/sum.ts': '', 'src/config/index.ts': '', 'test/sum.test.ts': '' }, { commit: false });
    assert.equal(await resolvesTo(dir, 'test/sum.test.ts', '@/math/sum'), 'src/math/sum.ts');
    assert.equal(await resolvesTo(dir, 'test/sum.test.ts', '@/math/sum.js'), 'src/math/sum.ts');
    assert.equal(await resolvesTo(dir, 'test/sum.test.ts', '#config'), 'src/config/index.ts');
  });

  it('follows a package.json exports map: a string, conditions, "." and subpaths with patterns', async () => {
    assert.equal(exportTarget('./lib/a.js', '.'), './lib/a.js');
    assert.equal(exportTarget({ import: './esm/a.mjs', require: './cjs/a.js' }, '.'), './cjs/a.js');
    assert.equal(exportTarget({ '.': { types: './a.d.ts', default: './a.js' }, './util': './lib/util.js' }, './util'), './lib/util.js');
    assert.equal(exportTarget({ './features/*': './src/features/*.js' }, './features/x'), './src/features/x.js');
    assert.equal(exportTarget({ './util': './lib/util.js' }, './other'), undefined);
    const dir = makeProject(
      {
        'package.json': '{"name":"kit","exports":{".":{"require":"./lib/kit.js"},"./fmt":"./lib/fmt.js"}}',
        'lib/kit.js': '',
        'lib/fmt.js': '',
        'test/kit.test.js': '',
      },
      { commit: false },
    );
    assert.equal(await resolvesTo(dir, 'test/kit.test.js', '..'), 'lib/kit.js');
    assert.equal(await resolvesTo(dir, 'test/kit.test.js', 'kit/fmt'), 'lib/fmt.js', 'a package imports itself by name');
  });

  it('resolves a workspace package by name to its source, even when main points into a build that does not exist', async () => {
    const dir = makeProject(
      {
        'package.json': '{"private":true,"workspaces":["packages/*"]}',
        'packages/text/package.json': '{"name":"@acme/text","main":"dist/index.js"}',
        'packages/text/src/index.ts': 'export const x = 1;\n',
        'packages/report/package.json': '{"name":"@acme/report","dependencies":{"@acme/text":"*"}}',
        'packages/report/src/report.ts': "import { x } from '@acme/text';\n",
      },
      { commit: false },
    );
    assert.equal(await resolvesTo(dir, 'packages/report/src/report.ts', '@acme/text'), 'packages/text/src/index.ts');
    assert.equal(await resolvesTo(dir, 'packages/report/src/report.ts', 'left-pad'), undefined, 'a dependency in node_modules is not project code');
    assert.equal(await resolvesTo(dir, 'packages/report/src/report.ts', 'node:fs'), undefined);
  });

  it('finds yarn ({packages}) and pnpm (pnpm-workspace.yaml) workspaces too', async () => {
    const yarn = makeProject(
      {
        'package.json': '{"workspaces":{"packages":["libs/*"]}}',
        'libs/core/package.json': '{"name":"core","main":"index.js"}',
        'libs/core/index.js': '',
        'app.js': '',
      },
      { commit: false },
    );
    assert.equal(await resolvesTo(yarn, 'app.js', 'core'), 'libs/core/index.js');
    const pnpm = makeProject(
      {
        'package.json': '{}',
        'pnpm-workspace.yaml': '# packages\npackages:\n  - \'tools/**\'\n  - "!tools/skip"\n',
        'tools/a/b/package.json': '{"name":"ab"}',
        'tools/a/b/index.js': '',
        'tools/skip/package.json': '{"name":"skip"}',
        'tools/skip/index.js': '',
        'app.js': '',
      },
      { commit: false },
    );
    assert.equal(await resolvesTo(pnpm, 'app.js', 'ab'), 'tools/a/b/index.js');
    assert.equal(await resolvesTo(pnpm, 'app.js', 'skip'), undefined, 'an excluded folder is not a package');
  });

  it('reads import, export-from, dynamic import and require specifiers with tree-sitter, not from comments or strings', async () => {
    const text =
      "import a from './a.js';\nexport * from './b';\nconst c = require('./c');\nawait import(`./d`);\n// require('./comment')\nconst s = \"require('./string')\";\n";
    assert.deepEqual(await moduleSpecifiers('x.mjs', text), ['./a.js', './b', './c', './d']);
  });

  it('reaches modules transitively; a re-export-only module adds no depth, and depth and breadth are bounded', async () => {
    const dir = makeProject(
      {
        'package.json': '{"name":"web"}',
        'index.js': "'use strict';\nmodule.exports = require('./lib/web');\n",
        'lib/web.js': "const req = require('./request');\nmodule.exports = function web() { return req; };\n",
        'lib/request.js': "const util = require('./util');\nmodule.exports = { get() { return util(); } };\n",
        'lib/util.js': 'module.exports = function util() { return 1; };\n',
        'test/web.test.js': "const web = require('..');\n",
      },
      { commit: false },
    );
    const resolver = await createResolver(dir);
    const reached = await reachableModules(resolver, dir, 'test/web.test.js', read(dir));
    assert.deepEqual(
      reached.map((m) => `${m.rel}@${m.depth}${m.reexportOnly ? ' (re-export)' : ''}`),
      ['index.js@1 (re-export)', 'lib/web.js@1', 'lib/request.js@2', 'lib/util.js@3'],
    );
    assert.equal(reached[1].specifier, '..', 'the module behind a re-export keeps the specifier the test used');
    assert.deepEqual(
      reached.map((m) => m.via),
      [undefined, undefined, 'lib/web.js', 'lib/request.js'],
      'the importer with code of its own',
    );
    assert.deepEqual(
      (await reachableModules(resolver, dir, 'test/web.test.js', read(dir), { maxDepth: 2 })).map((m) => m.rel),
      ['index.js', 'lib/web.js', 'lib/request.js'],
    );
    assert.equal((await reachableModules(resolver, dir, 'test/web.test.js', read(dir), { maxModules: 2 })).length, 2);
  });
});
