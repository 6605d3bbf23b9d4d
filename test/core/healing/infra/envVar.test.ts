import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runInfraEngine } from '../../../../src/core/healing/infra/engine';
import { envAdvice, findEnvReads } from '../../../../src/core/healing/infra/envVar';
import { makeProject } from '../../../helpers/repo';
import { infraHarness } from './harness';

const PROJECT = {
  'package.json': '{"scripts":{"test":"node --test"}}',
  'src/config.js':
    "function token() {\n  const t = process.env.API_TOKEN;\n  if (!t) throw new Error('Missing required environment variable API_TOKEN');\n  return t;\n}\nmodule.exports = { token };\n",
  'src/other.js': "const url = process.env['API_TOKEN'] ?? '';\nmodule.exports = url;\n",
  '.env.example': '# copy to .env\nAPI_TOKEN=\n',
  'test/config.test.js': "const test = require('node:test');\nconst { token } = require('../src/config');\ntest('uses the token', () => { token(); });\n",
};

describe('the missing-env template', () => {
  it('finds where the variable is read and where it is documented', async () => {
    const dir = makeProject(PROJECT, { commit: false });
    assert.deepEqual(await findEnvReads(dir, 'API_TOKEN'), { reads: ['src/config.js:2', 'src/other.js:1'], documentedIn: ['.env.example'] });
    assert.deepEqual(await findEnvReads(dir, 'OTHER'), { reads: [], documentedIn: [] });
  });

  it('points to the variable and never proposes a value', async () => {
    const h = await infraHarness(makeProject(PROJECT));
    let verified = 0;
    try {
      const result = await runInfraEngine({ ...h.input, verify: () => Promise.resolve((verified++, { reason: 'not verified', output: '' })) });
      assert.equal(result.problem?.kind, 'missing-env');
      assert.equal(result.candidate, undefined);
      assert.equal(verified, 0, 'nothing to verify: nothing is written');
      assert.equal(
        result.advice,
        'The tests need the environment variable API_TOKEN, which is not set where they ran. It is read at src/config.js:2, src/other.js:1. .env.example lists it. ' +
          'Set it before running the tests (`export API_TOKEN=…`; in GitHub Actions, `env: API_TOKEN: ${{ secrets.API_TOKEN }}`). Self-Heal does not make up a value: it may be a secret.',
      );
    } finally {
      await h.dispose();
    }
  });

  it('still names the variable when the code that reads it is not found', () => {
    assert.match(
      envAdvice('SECRET_KEY', { reads: [], documentedIn: [] }),
      /^The tests need the environment variable SECRET_KEY, which is not set where they ran\. Set it/,
    );
  });
});
