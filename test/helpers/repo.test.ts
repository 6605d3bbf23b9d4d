/**
 * The fixture helpers clean up after themselves: a full test run makes hundreds of temp folders,
 * and none may stay behind in the system's temp folder once a test file's process exits.
 */
import assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './repo';

describe('temp folders of the fixture helpers', () => {
  it('are removed when the test process exits, with a node_modules link inside removed but not followed', () => {
    const script = [
      "const { makeProject, tempDir } = require('./test/helpers/repo');",
      "const project = makeProject({ 'a.js': 'module.exports = 1;\\n' }, { linkNodeModules: true });",
      'console.log(JSON.stringify([tempDir(), project]));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.strictEqual(child.status, 0, child.stderr);
    const dirs = JSON.parse(child.stdout.trim().split('\n').pop()!) as string[];
    assert.strictEqual(dirs.length, 2);
    for (const dir of dirs) assert.strictEqual(fs.existsSync(dir), false, `${dir} is still there`);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'tsx')), "the linked node_modules' target is untouched");
  });
});
