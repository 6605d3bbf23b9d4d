/** Which suspicious files the engines may edit, and the plain reason for each one they may not. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { editableSources } from '../../../src/core/healing/editableSources';
import type { Location } from '../../../src/core/model';
import { silentLog } from '../../../src/core/ports';
import { createSandbox } from '../../../src/core/verify/sandbox';
import { git, makeProject, tempDir } from '../../helpers/repo';

const at = (file: string): Location => ({ file, start: 0, end: 1, line: 1, score: 1, why: 'test' });

describe('editableSources', () => {
  it('keeps UTF-8 source and names why binary, huge, non-UTF-8 and linked-out files are left alone', async () => {
    const outside = tempDir('self-heal-outside-');
    fs.writeFileSync(path.join(outside, 'real.js'), 'module.exports = 1;\n');
    const dir = makeProject({ 'ok.js': 'const café = 1;\n', 'big.js': `// ${'x'.repeat(1_100_000)}\n` });
    fs.writeFileSync(path.join(dir, 'latin1.js'), Buffer.from('// caf\xe9\nmodule.exports = 1;\n', 'latin1'));
    fs.writeFileSync(path.join(dir, 'bin.js'), Buffer.from([0x00, 0x01, 0x02]));
    fs.symlinkSync(path.join(outside, 'real.js'), path.join(dir, 'linked.js'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'files');
    const sandbox = await createSandbox({ root: dir });
    try {
      const { files, skipped } = await editableSources(['ok.js', 'big.js', 'latin1.js', 'bin.js', 'linked.js', 'missing.js'].map(at), sandbox, silentLog);
      assert.deepEqual(files, [{ file: 'ok.js', text: 'const café = 1;\n' }]);
      assert.deepEqual(skipped, [
        'big.js is binary or larger than 1 MB',
        'latin1.js is not UTF-8 text, and rewriting it would change bytes Self-Heal cannot read',
        'bin.js is binary or larger than 1 MB',
        `linked.js is reached through a symbolic link that leads outside the workspace (to ${path.join(outside, 'real.js')}), and Self-Heal does not write through links`,
      ]);
    } finally {
      await sandbox.dispose();
    }
  });
});
