/**
 * Whole heals on real projects whose tests reach the fault only through the module graph: a
 * package root required as `require('../')`, and a monorepo where a bug in one workspace package
 * fails the tests of another. Real git repos, real node:test runs, the real sandbox.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { healWorkspace } from '../../../src/core/heal';
import { DiskFiles } from '../../../src/cli/adapters/files';
import { fingerprint, git, makeProject, ourSandboxes } from '../../helpers/repo';

/** express's shape: the tests require the package root; main leads to lib/web.js, which requires lib/request.js, where the bug is. */
export const PACKAGE_ROOT_PROJECT = {
  'package.json': '{"name":"web","main":"lib/web.js","scripts":{"test":"node --test"}}\n',
  'lib/web.js': "'use strict';\nconst request = require('./request');\n\nfunction createApp() {\n  return { request };\n}\n\nmodule.exports = createApp;\n",
  'lib/request.js': "'use strict';\n\nfunction protocol(req) {\n  return req.port !== 443 ? 'https' : 'http';\n}\n\nfunction hostname(req) {\n  return req.host.split(':')[0];\n}\n\nmodule.exports = { protocol, hostname };\n",
  'test/req.protocol.js': "const assert = require('node:assert');\nconst test = require('node:test');\nconst web = require('../');\n\ntest('req.protocol is https on port 443', () => {\n  assert.equal(web().request.protocol({ port: 443 }), 'https');\n});\n\ntest('req.hostname drops the port', () => {\n  assert.equal(web().request.hostname({ host: 'example.com:8080' }), 'example.com');\n});\n",
};

/** npm workspaces: packages/report's tests fail because packages/text's truncate compares the wrong way. */
export const MONOREPO = {
  'package.json': '{"private":true,"workspaces":["packages/*"],"scripts":{"test":"node --test"}}\n',
  '.gitignore': 'node_modules\n',
  'packages/text/package.json': '{"name":"@acme/text","main":"src/index.js"}\n',
  'packages/text/src/index.js': "'use strict';\n\nfunction truncate(s, max) {\n  return s.length < max ? s.slice(0, max) + '…' : s;\n}\n\nfunction upper(s) {\n  return s.toUpperCase();\n}\n\nmodule.exports = { truncate, upper };\n",
  'packages/text/test/text.test.js': "const assert = require('node:assert');\nconst test = require('node:test');\nconst { upper } = require('@acme/text');\n\ntest('upper', () => assert.equal(upper('ab'), 'AB'));\n",
  'packages/report/package.json': '{"name":"@acme/report","main":"src/report.js","dependencies":{"@acme/text":"*"}}\n',
  'packages/report/src/report.js': "'use strict';\nconst { truncate } = require('@acme/text');\n\nfunction heading(title) {\n  return '# ' + truncate(title, 6);\n}\n\nmodule.exports = { heading };\n",
  'packages/report/test/report.test.js': "const assert = require('node:assert');\nconst test = require('node:test');\nconst { heading } = require('../src/report');\n\ntest('a long heading is cut', () => {\n  assert.equal(heading('a long title'), '# a long…');\n});\n\ntest('a short heading stays', () => {\n  assert.equal(heading('short'), '# short');\n});\n",
};

/** Link the workspace packages into node_modules as npm install does (relative symlinks), without the network. */
export function linkWorkspacePackages(dir: string, packages: Record<string, string>): void {
  for (const [name, folder] of Object.entries(packages)) {
    const link = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(dir, folder)), link, 'dir');
  }
}

describe('healing through the real module graph', () => {
  it("heals a bug two modules behind require('../') (package root → main → lib/request.js)", async () => {
    const dir = makeProject(PACKAGE_ROOT_PROJECT);
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir), flakyReruns: 0 });
    assert.equal(report.heals.length, 1);
    const heal = report.heals[0];
    assert.ok(heal.fix, heal.reason);
    assert.deepEqual(Object.keys(heal.fix.after), ['lib/request.js']);
    assert.match(heal.fix.after['lib/request.js'], /req\.port ===? 443 \? 'https' : 'http'/);
    assert.ok(heal.diagnosis.locations.some((l) => l.file === 'lib/request.js' && l.function === 'protocol'), 'the suspects name the function');
    assert.equal(fingerprint(dir), before, 'nothing changes before apply');
  });

  it('heals a bug in packages/text that fails the tests of packages/report, in packages/text, with both packages tested', async () => {
    const dir = makeProject(MONOREPO, { commit: false });
    linkWorkspacePackages(dir, { '@acme/text': 'packages/text', '@acme/report': 'packages/report' });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'initial');
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
