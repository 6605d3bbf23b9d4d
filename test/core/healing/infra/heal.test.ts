import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import { healWorkspace } from '../../../../src/core/heal';
import { fingerprint, makeProject } from '../../../helpers/repo';

describe('healWorkspace with the infra engine', () => {
  it('raises a mocha time limit that a slow test exceeds, as an infrastructure fix', async () => {
    const dir = makeProject(
      {
        'package.json': JSON.stringify({ scripts: { test: 'mocha' }, mocha: { timeout: 150 } }, null, 2) + '\n',
        'test/store.test.js':
          "describe('store', () => {\n  it('loads slowly', async () => { await new Promise((r) => setTimeout(r, 300)); });\n  it('is fast', () => {});\n});\n",
      },
      { linkNodeModules: true },
    );
    const before = fingerprint(dir);
    const report = await healWorkspace({ files: new DiskFiles(dir) });
    const [heal] = report.heals;
    assert.ok(heal.fix, heal.reason);
    assert.equal(heal.fix.candidate.engine, 'infra');
    assert.equal(heal.diagnosis.class, 'infrastructure');
    assert.deepEqual(Object.keys(heal.fix.after), ['package.json']);
    assert.equal(fingerprint(dir), before);
  });

  it('points to a missing environment variable instead of changing code', async () => {
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node --test"}}',
      'src/config.js': "exports.token = () => { if (!process.env.API_TOKEN) throw new Error('Missing required environment variable API_TOKEN'); };\n",
      'test/config.test.js': "const test = require('node:test');\nconst { token } = require('../src/config');\ntest('uses the token', () => token());\n",
    });
    const [heal] = (await healWorkspace({ files: new DiskFiles(dir) })).heals;
    assert.equal(heal.fix, undefined);
    assert.equal(heal.candidatesTried, 0);
    assert.equal(heal.diagnosis.class, 'infrastructure');
    assert.match(heal.reason!, /^The tests need the environment variable API_TOKEN, which is not set where they ran\. It is read at src\/config\.js:1\./);
  });
});
