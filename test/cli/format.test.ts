/**
 * `self-heal heal --json` says why: the ranked suspects of every failure, healed or not, while
 * progress goes to stderr so a long run does not look dead and stdout stays pure JSON.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, REPO_ROOT } from '../helpers/repo';
import { fixtureFiles } from '../core/analysis/moduleGraphFixtures';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** No mutation of the code can write "Hello": this failure stays unhealed. */
const UNHEALABLE = {
  'lib/greet.js': "'use strict';\n\nfunction greet(name) {\n  return 'Goodbye, ' + name;\n}\n\nmodule.exports = { greet };\n",
  'test/greet.test.js': "const assert = require('node:assert');\nconst test = require('node:test');\nconst { greet } = require('../lib/greet');\n\ntest('greets', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada');\n});\n",
};

describe('self-heal heal --json', () => {
  it('gives the ranked suspects of healed and unhealed failures, with progress on stderr and pure JSON on stdout', () => {
    const dir = makeProject({ ...fixtureFiles('package-root'), ...UNHEALABLE });
    const run = spawnSync(process.execPath, [CLI, 'heal', dir, '--json'], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    const healed = report.heals[0];
    assert.equal(healed.file, 'lib/request.js');
    assert.ok(healed.suspects.length > 0 && healed.suspects.length <= 10);
    assert.deepEqual(Object.keys(healed.suspects[0]).sort(), ['file', 'function', 'line', 'score', 'why']);
    assert.deepEqual([healed.suspects[0].file, healed.suspects[0].function], ['lib/request.js', 'protocol'], 'the buggy function is the top suspect');
    assert.equal(healed.suspects[0].line, 4, 'the line of the buggy comparison, counted from 1');
    const unhealed = report.unhealed.find((u: { test: string }) => /greets/.test(u.test));
    assert.ok(unhealed, run.stdout);
    assert.deepEqual(unhealed.suspects.map((s: { file: string; function?: string }) => `${s.file} ${s.function}`), ['lib/greet.js greet']);
    assert.match(run.stderr, /… Running the tests/);
    assert.match(run.stderr, /… Healing /);
  });
});
