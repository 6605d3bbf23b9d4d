/** What the model is shown of the failing test. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { localize } from '../../../../src/core/analysis/localize';
import { gatherContext } from '../../../../src/core/healing/llm/context';
import { Privacy } from '../../../../src/core/healing/llm/privacy';
import { Failure } from '../../../../src/core/model';
import { silentLog } from '../../../../src/core/ports';
import { makeProject } from '../../../helpers/repo';

describe('gatherContext', () => {
  it('shows the spec that defines the failing test when the runner names an entry spec that requires it', async () => {
    const spec = `const assert = require('assert');
describe('Pay', function () {
  const { charge } = require('../../src/pay');
  it('charges in cents', function () { assert.equal(charge(12.34), 1234); });
  it('refunds', function () { assert.equal(charge(-1), -100); });
});
`;
    const dir = makeProject({
      'test/index.js': "describe('App', function () {\n  require('./scripts/pay');\n});\n",
      'test/scripts/pay.js': spec,
      'src/pay.js': 'function charge(amount) { return Math.round(amount * 10); }\nmodule.exports = { charge };\n',
    });
    const readText = (rel: string): Promise<string | undefined> => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    // As mocha reports it for `mocha test/index.js`: the entry is every test's file.
    const failure = Failure.parse({
      id: 'App Pay > charges in cents',
      name: 'charges in cents',
      file: 'test/index.js',
      message: 'AssertionError: expected 123 to equal 1234',
      stack: [],
    });
    const locations = await localize(dir, [failure], readText);
    const context = await gatherContext({
      failures: [failure],
      diagnosis: { failures: [failure], class: 'code-bug', evidence: [], locations },
      files: [{ file: 'src/pay.js', text: (await readText('src/pay.js'))! }],
      root: dir,
      pastHeals: [],
      privacy: Privacy.create(dir),
      readText,
      log: silentLog,
    });
    const shown = context.pieces.filter((p) => p.section === 'testSource').map((p) => p.text);
    assert.equal(shown.length, 1);
    assert.match(shown[0], /^### test\/scripts\/pay\.js\n/);
    assert.match(shown[0], /it\('charges in cents', function \(\) \{ assert\.equal\(charge\(12\.34\), 1234\); \}\);/);
    assert.ok(!shown[0].includes("it('refunds'"), 'only the failing test is shown');
  });
});
