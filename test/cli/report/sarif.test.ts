import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { renderSarif } from '../../../src/cli/report/sarif';
import { RANGE_BEFORE } from '../../helpers/outcome';
import { REPO_ROOT } from '../../helpers/repo';
import { sampleRun } from './sampleRun';

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region?: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }>;
  fixes?: Array<{
    artifactChanges: Array<{
      artifactLocation: { uri: string };
      replacements: Array<{ deletedRegion: { startLine: number; startColumn: number; endColumn: number }; insertedContent: { text: string } }>;
    }>;
  }>;
  partialFingerprints: Record<string, string>;
}
interface Log {
  version: string;
  $schema: string;
  runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Result[] }>;
}

const sarif = (run = sampleRun()): Log => JSON.parse(JSON.stringify(renderSarif(run))) as Log;

describe('the SARIF CI report', () => {
  it('matches the reviewed SARIF file', () => {
    const text = JSON.stringify(renderSarif(sampleRun()), null, 2) + '\n';
    const file = path.join(REPO_ROOT, 'test/fixtures/report/ci-report.sarif.json');
    if (process.env.SELF_HEAL_UPDATE_FIXTURES === '1') fs.writeFileSync(file, text);
    assert.equal(text, fs.readFileSync(file, 'utf8'));
  });

  it('says in the alert and its properties when a fix is ambiguous', () => {
    const run = sampleRun();
    run.heals[0].outcome.fix!.evidence.confidence = { level: 'ambiguous', alternatives: 1, reasons: ['1 other verified fix passes the tests too'] };
    const result = sarif(run).runs[0].results[0] as Result & { properties: Record<string, unknown> };
    assert.match(result.message.text, /Confidence: verified, ambiguous: 1 other verified fix passes the tests too\.$/);
    assert.equal(result.properties.confidence, 'verified, ambiguous: 1 other verified fix passes the tests too');
  });

  it('is SARIF 2.1.0 with one rule per failure class and results that point at their rule', () => {
    const log = sarif();
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const { rules } = log.runs[0].tool.driver;
    assert.deepEqual(
      rules.map((r) => r.id),
      ['code-bug', 'infrastructure'],
    );
    for (const r of log.runs[0].results) assert.equal(rules[r.ruleIndex].id, r.ruleId);
  });

  it('places a healed failure where the fix changes the code, and attaches the fix', () => {
    const [healed] = sarif().runs[0].results;
    assert.equal(healed.level, 'warning');
    const line = RANGE_BEFORE.split('\n').findIndex((l) => l.includes('i < end')) + 1;
    const column = RANGE_BEFORE.split('\n')[line - 1].indexOf('<') + 1;
    assert.deepEqual(healed.locations[0].physicalLocation.region, { startLine: line, startColumn: column, endLine: line, endColumn: column + 1 });
    assert.deepEqual(healed.fixes?.[0].artifactChanges[0].replacements[0].insertedContent, { text: '<=' });
    assert.match(healed.message.text, /on branch self-heal\/range-h-0ff0b1e0: replace `<` with `<=`/);
  });

  it('reports an unhealed failure as an error at its first suspicious location', () => {
    const unhealed = sarif().runs[0].results[1];
    assert.equal(unhealed.level, 'error');
    assert.equal(unhealed.fixes, undefined);
    assert.deepEqual(unhealed.locations[0].physicalLocation, { artifactLocation: { uri: 'src/config.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 2 } });
    assert.match(unhealed.message.text, /Not healed: The tests need the environment variable API_TOKEN/);
  });

  it('uses paths relative to the repository root when the workspace is a subfolder', () => {
    const log = sarif({ ...sampleRun(), prefix: 'packages/shop' });
    const [healed] = log.runs[0].results;
    assert.equal(healed.locations[0].physicalLocation.artifactLocation.uri, 'packages/shop/src/range.js');
    assert.equal(healed.fixes?.[0].artifactChanges[0].artifactLocation.uri, 'packages/shop/src/range.js');
  });

  it('fingerprints a failure by its tests, so the same failure is one alert across runs', () => {
    const first = sarif().runs[0].results[0].partialFingerprints;
    const again = sarif({ ...sampleRun(), head: { commit: 'f'.repeat(40) } }).runs[0].results[0].partialFingerprints;
    assert.deepEqual(first, again);
  });
});
