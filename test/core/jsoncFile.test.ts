/** Settings files: JSON with comments and trailing commas, which must hold an object. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readJsoncObject, withPrefix } from '../../src/core/jsoncFile';
import { tempDir } from '../helpers/repo';

function file(text: string): string {
  const f = path.join(tempDir(), 'settings.json');
  fs.writeFileSync(f, text);
  return f;
}

describe('readJsoncObject', () => {
  it('reads an object written with comments and trailing commas', async () => {
    assert.deepEqual(await readJsoncObject(file('// team settings\n{ "selfHeal.mode": "off", }\n')), { json: { 'selfHeal.mode': 'off' } });
  });

  it('says what an unusable file is not, and nothing about a missing one', async () => {
    assert.deepEqual(await readJsoncObject(file('{ "a": 1, oops')), { not: 'valid JSON' });
    assert.deepEqual(await readJsoncObject(file('"just a string"')), { not: 'valid JSON' });
    assert.deepEqual(await readJsoncObject(file('[1, 2]')), { not: 'a JSON object' });
    assert.deepEqual(await readJsoncObject(path.join(tempDir(), 'missing.json')), {});
  });
});

describe('withPrefix', () => {
  it('keeps the keys under the prefix, without it', () => {
    assert.deepEqual(withPrefix({ 'selfHeal.llm.model': 'm', 'selfHeal.mode': 'off', other: 1 }, 'selfHeal.llm.'), { model: 'm' });
  });
});
