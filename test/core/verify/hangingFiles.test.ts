import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskFiles } from '../../../src/cli/adapters/files';
import { healWorkspace } from '../../../src/core/heal';
import { REPO_ROOT, makeProject } from '../../helpers/repo';

/** The fixture's files, for makeProject. */
function fixtureFiles(name: string): Record<string, string> {
  const root = path.join(REPO_ROOT, 'test', 'fixtures', name);
  const files: Record<string, string> = {};
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else files[child] = fs.readFileSync(path.join(root, child), 'utf8');
    }
  };
  visit('');
  return files;
}

describe('a baseline that does not finish', () => {
  it('reports the test file that hangs as unhealed and heals the bug in the others', async () => {
    const dir = makeProject(fixtureFiles('hanging-file'), { linkNodeModules: true });
    const report = await healWorkspace({ files: new DiskFiles(dir), testTimeoutMs: 4000 });
    const hung = report.heals.find((h) => h.failures.some((f) => f.file === 'test/poll.test.js'));
    assert.ok(hung, `no outcome for the hanging file among ${report.heals.map((h) => h.failures[0]?.id).join(', ')}`);
    assert.equal(hung.fix, undefined);
    assert.match(hung.reason ?? '', /^test\/poll\.test\.js did not finish within 4 s; Self-Heal stopped it/);
    const healed = report.heals.find((h) => h.failures.some((f) => f.id === 'range > includes both ends'));
    assert.ok(healed?.fix, healed?.reason);
    assert.match(healed.fix.after['range.js'], /i <= end/);
    assert.equal(report.baseline.passed, 1, 'the baseline holds the file that finished');
  });
});
