import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { envSecrets, parseDotenv, Redactor } from '../../../../src/core/healing/llm/redact';
import { makeProject } from '../../../helpers/repo';

// Fake credentials, built at run time so that no scanner mistakes this file for a leak.
const OPENAI = 'sk-' + 'proj-' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4';
const GITHUB = 'ghp' + '_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5';
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLE';
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx3f9', 'q8Lw0pR2ZfakefakefakeQ==', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('Redactor', () => {
  it('hides well-known token shapes and private keys, and restores them from the placeholders', () => {
    const redactor = new Redactor();
    const text = `const a = '${OPENAI}';\nconst b = "${GITHUB}";\nconst c = '${AWS}';\nconst pem = \`${PEM}\`;\nheaders.Authorization = 'Bearer abcdefghijklmnopqrstuvwxyz0123';`;
    const out = redactor.redact(text);
    for (const secret of [OPENAI, GITHUB, AWS, 'MIIEowIBAAKCAQEAx3f9', 'abcdefghijklmnopqrstuvwxyz0123']) assert.ok(!out.includes(secret), `${secret} leaked`);
    assert.match(out, /const a = '\[REDACTED_SECRET_\d\]';/);
    assert.equal(redactor.restore(out), text);
  });

  it('hides high-entropy values assigned to key/token/secret/password names but keeps ordinary code', () => {
    const redactor = new Redactor();
    const text = [
      `const apiKey = "Zx8Qv2Lm9Tr4Wp7Ks1Yb";`,
      `config = { "client_secret": "s3cr3t-V4lue-99" };`,
      `const dbPassword = 'hunter2!x';`,
      `STRIPE_TOKEN=Q9w8E7r6T5y4U3i2O1p0Aa`,
      `const tokenCount = countTokens(text);`,
      `const keyName = 'primary';`,
      `const label = 'Please enter your password';`,
      `const url = 'postgres://admin:pa55word@db.internal:5432/app';`,
    ].join('\n');
    const out = redactor.redact(text);
    for (const secret of ['Zx8Qv2Lm9Tr4Wp7Ks1Yb', 's3cr3t-V4lue-99', 'hunter2!x', 'Q9w8E7r6T5y4U3i2O1p0Aa', 'pa55word'])
      assert.ok(!out.includes(secret), `${secret} leaked`);
    for (const kept of ['countTokens(text)', `'primary'`, 'Please enter your password', 'admin:']) assert.ok(out.includes(kept), `${kept} was redacted`);
  });

  it('hides values from .env files wherever they appear, the same value always with the same placeholder', () => {
    const redactor = new Redactor(
      parseDotenv(
        '# comment\nDB_PASSWORD="correct-horse-battery"\nexport SERVICE_URL=https://internal.example:8443\nPORT=3000\nDEBUG=true\nLOG_LEVEL=warning\n',
      ),
    );
    const out = redactor.redact(
      `connect('correct-horse-battery'); fetch("https://internal.example:8443/x"); listen(3000); log.warning('x'); retry('correct-horse-battery')`,
    );
    assert.ok(!out.includes('correct-horse-battery') && !out.includes('internal.example'));
    assert.match(out, /listen\(3000\); log\.warning/, 'ports and plain words are not secrets');
    const markers = out.match(/\[REDACTED_SECRET_\d+\]/g)!;
    assert.equal(markers[0], markers[2]);
  });

  it('reads .env and .env.local but not .env.example', async () => {
    const dir = makeProject(
      { '.env': 'A_SECRET=from-dot-env-1\n', '.env.local': 'B_TOKEN=from-local-22\n', '.env.example': 'C_KEY=placeholder-value\n' },
      { commit: false },
    );
    const values = (await envSecrets([dir])).map((e) => e.value).sort();
    assert.deepEqual(values, ['from-dot-env-1', 'from-local-22']);
  });
});
