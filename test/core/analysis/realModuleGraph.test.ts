/**
 * Whole heals on real projects whose tests reach the fault only through the module graph: a
 * package root required as `require('../')`, and a monorepo where a bug in one workspace package
 * fails the tests of another. Real git repos, real node:test runs, the real sandbox.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { healWorkspace } from '../../../src/core/heal';
import { DiskFiles } from '../../../src/cli/adapters/files';
import { fingerprint, makeProject, ourSandboxes } from '../../helpers/repo';
import { fixtureFiles, workspacesProject } from './moduleGraphFixtures';

describe('healing through the real module graph', () => {
  it("heals a bug two modules behind require('../') (package root → main → lib/request.js)", async () => {
    // express's shape: the tests require the package root; main leads to lib/web.js, which requires lib/request.js, where the bug is.
    const dir = makeProject(fixtureFiles('package-root'));
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir), flakyReruns: 0 });
    assert.equal(report.heals.length, 1);
    const heal = report.heals[0];
    assert.ok(heal.fix, heal.reason);
    assert.deepEqual(Object.keys(heal.fix.after), ['lib/request.js']);
    assert.match(heal.fix.after['lib/request.js'], /req\.port ===? 443 \? 'https' : 'http'/);
    assert.ok(
      heal.diagnosis.locations.some((l) => l.file === 'lib/request.js' && l.function === 'protocol'),
      'the suspects name the function',
    );
    assert.equal(fingerprint(dir), before, 'nothing changes before apply');
  });

  it('heals a TypeScript ESM bug reached through tsconfig paths, `.js` specifiers of `.ts` files and an index that re-exports', async () => {
    // test → '@/price.js' (paths) → src/price.ts → '@/math/index.js' (re-exports) → src/math/tax.ts, where the bug is.
    const dir = makeProject(fixtureFiles('ts-esm-paths'), { linkNodeModules: true });
    const report = await healWorkspace({ files: new DiskFiles(dir), flakyReruns: 0 });
    const heal = report.heals[0];
    assert.ok(heal.fix, heal.reason);
    assert.deepEqual(Object.keys(heal.fix.after), ['src/math/tax.ts']);
    assert.match(heal.fix.after['src/math/tax.ts'], /amount \* \(1 \+ rate\)/);
    assert.deepEqual(heal.fix.evidence.suite.newlyFailing, []);
  });

  it('heals a bug in packages/text that fails the tests of packages/report, in packages/text, with both packages tested', async () => {
    // packages/report's tests fail because packages/text's truncate compares the wrong way.
    const dir = workspacesProject();
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir), flakyReruns: 0 });
    assert.equal(report.heals.length, 1, 'the failures of one test file are one heal');
    const heal = report.heals[0];
    assert.ok(heal.fix, heal.reason);
    assert.deepEqual(Object.keys(heal.fix.after), ['packages/text/src/index.js']);
    assert.match(heal.fix.after['packages/text/src/index.js'], /s\.length >=? max/);
    // The suite the fix was verified on ran the tests of both packages, and none broke.
    assert.equal(heal.fix.evidence.suite.total, 3);
    assert.deepEqual(heal.fix.evidence.suite.newlyFailing, []);
    assert.equal(fingerprint(dir), before, "the user's packages/text is untouched: the sandbox's link leads to the sandbox's copy");
    assert.deepEqual(ourSandboxes(), [], 'the sandbox is removed');
  });
});
