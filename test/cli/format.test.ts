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
import { formatHeal, formatHistory, healJson } from '../../src/cli/format';
import { healRecordFor } from '../../src/core/record/healRecord';
import { outcome } from '../helpers/outcome';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** No mutation of the code can write "Hello": this failure stays unhealed. */
const UNHEALABLE = {
  'lib/greet.js': "'use strict';\n\nfunction greet(name) {\n  return 'Goodbye, ' + name;\n}\n\nmodule.exports = { greet };\n",
  'test/greet.test.js':
    "const assert = require('node:assert');\nconst test = require('node:test');\nconst { greet } = require('../lib/greet');\n\ntest('greets', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada');\n});\n",
};

describe('self-heal heal --json', () => {
  it('gives the ranked suspects of healed and unhealed failures, with progress on stderr and pure JSON on stdout', () => {
    const dir = makeProject({ ...fixtureFiles('package-root'), ...UNHEALABLE });
    const run = spawnSync(process.execPath, [CLI, 'heal', dir, '--json'], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
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
    assert.deepEqual(
      unhealed.suspects.map((s: { file: string; function?: string }) => `${s.file} ${s.function}`),
      ['lib/greet.js greet'],
    );
    assert.match(run.stderr, /… Running the tests/);
    assert.match(run.stderr, /… Healing /);
  });
});

describe('the confidence of a fix in CLI output', () => {
  const ambiguous = outcome({ evidence: { confidence: { level: 'ambiguous', alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] } } });

  it('says "verified, ambiguous" with the count in the text, the JSON and the history', () => {
    assert.match(formatHeal(ambiguous), /\n {2}confidence: verified, ambiguous: 2 other verified fixes pass the tests too\n/);
    const json = healJson(
      {
        baseline: { passed: 2, failed: 1, run: { outcomes: [], failures: [], exitCode: 1, timedOut: false, ms: 0, output: '' } },
        heals: [ambiguous],
        sandboxMs: 0,
        ms: 0,
      },
      new Map(),
    ) as { heals: Array<{ confidence: string; evidence: { confidence: unknown } }> };
    assert.equal(json.heals[0].confidence, 'verified, ambiguous: 2 other verified fixes pass the tests too');
    assert.deepEqual(json.heals[0].evidence.confidence, { level: 'ambiguous', alternatives: 2, reasons: ['2 other verified fixes pass the tests too'] });
    const record = healRecordFor(ambiguous, '/w', 'apply');
    assert.match(formatHistory([record]), /\(verified, ambiguous: 2 other verified fixes pass the tests too\)/);
  });

  it('says "verified" for a fix that stands out, and nothing for one never ranked (a test edit, a heal recorded before confidence existed)', () => {
    const standsOut = outcome({ evidence: { confidence: { level: 'verified', alternatives: 0, reasons: [] } } });
    assert.match(formatHeal(standsOut), /\n {2}confidence: verified\n/);
    assert.doesNotMatch(formatHeal(outcome()), /confidence/);
    assert.doesNotMatch(formatHistory([healRecordFor(outcome(), '/w', 'apply')]), /ambiguous/);
  });
});
