import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { HealRecord } from '../../../src/core/model';
import { JsonlLedger } from '../../../src/core/record/ledger';
import { tempDir } from '../../helpers/repo';

function record(id: string): HealRecord {
  return {
    id,
    kind: 'apply',
    at: new Date(0).toISOString(),
    workspace: '/w',
    file: 'a.js',
    summary: 's',
    engine: 'mutation',
    operator: 'op',
    diff: '',
    edits: [],
    before: { 'a.js': 'x' },
    after: { 'a.js': 'y' },
    failures: [],
    diagnosis: { class: 'code-bug', evidence: [], locations: [] },
    tried: [],
    evidence: { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } },
    ms: 1,
  };
}

describe('ledger', () => {
  it('appends records and reads them back in order', async () => {
    const ledger = new JsonlLedger(path.join(tempDir(), 'l', 'ledger.jsonl'));
    await ledger.append(record('h-1'));
    await ledger.append(record('h-2'));
    assert.deepEqual(
      (await ledger.read()).map((r) => r.id),
      ['h-1', 'h-2'],
    );
  });

  it('skips a torn last line and malformed lines, and appends after a torn line safely', async () => {
    const file = path.join(tempDir(), 'ledger.jsonl');
    fs.writeFileSync(file, JSON.stringify(record('h-1')) + '\nnot json\n{"id":"h-x"}\n' + JSON.stringify(record('h-torn')).slice(0, 40));
    const ledger = new JsonlLedger(file);
    assert.deepEqual(
      (await ledger.read()).map((r) => r.id),
      ['h-1'],
    );
    assert.equal(ledger.skipped, 3);
    await ledger.append(record('h-2'));
    assert.deepEqual(
      (await ledger.read()).map((r) => r.id),
      ['h-1', 'h-2'],
    );
  });

  it('reads a missing ledger as empty', async () => {
    assert.deepEqual(await new JsonlLedger(path.join(tempDir(), 'none.jsonl')).read(), []);
  });
});
