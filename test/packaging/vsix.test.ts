import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/repo';

// vsce ships no type declarations: the part of its API used here, typed by hand.
const vsce = require('@vscode/vsce') as { listFiles(options: { cwd: string; packageManager: number }): Promise<string[]>; PackageManager: { None: number } };

// The files `vsce package` puts in the VSIX, asked of vsce itself (without the prepublish build:
// the test reads the dist/ that `npm test` builds first).
describe('the VSIX', () => {
  it('holds the extension bundle and everything it loads at run time, and no CLI bundle, source maps, sources or tests', async () => {
    const files = (await vsce.listFiles({ cwd: REPO_ROOT, packageManager: vsce.PackageManager.None })).sort();
    const runtime = fs.readdirSync(path.join(REPO_ROOT, 'dist')).filter((name) => /\.(js|mjs|wasm)$/.test(name) && name !== 'cli.js');
    for (const name of runtime) assert.ok(files.includes(`dist/${name}`), `dist/${name}`);
    for (const name of ['extension.js', 'screenWorker.js', 'instrumenter.mjs', 'tree-sitter.wasm', 'tree-sitter-typescript.wasm'])
      assert.ok(files.includes(`dist/${name}`), name);
    for (const name of fs.readdirSync(path.join(REPO_ROOT, 'prompts'))) assert.ok(files.includes(`prompts/${name}`), name);
    for (const name of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'media/icon.png', 'media/self-heal.svg']) assert.ok(files.includes(name), name);
    const unwanted = files.filter((file) => /\.map$|^dist\/cli\.js$|^(src|test|bench|examples|scripts|node_modules|out|media\/screenshots)\//.test(file));
    assert.deepEqual(unwanted, []);
  });
});
