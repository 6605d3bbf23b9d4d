import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { localize } from '../../../../src/core/analysis/localize';
import { runLlmEngine, type LlmEngineInput } from '../../../../src/core/healing/llm/engine';
import { createOpenAiLlm } from '../../../../src/core/healing/llm/openaiLlm';
import { Failure, SelfHealError, type Candidate, type HealRecord } from '../../../../src/core/model';
import { silentLog } from '../../../../src/core/ports';
import type { Found } from '../../../../src/core/verify/search';
import { git, makeProject } from '../../../helpers/repo';
import { reply, startScriptedServer, type Scripted, type ScriptedServer } from './scriptedServer';

// Fake credentials, assembled at run time so that this file does not look like a leak.
const API_KEY = 'sk-' + 'proj-' + 'Zq7Xw2Lp9Rt4Vn8Kd3Fs6Hj1';
const MERCHANT = 'acct-7Hq2-' + 'privately-held';

const payJs = (factor: number) => `/** Charge \`amount\` dollars; the gateway takes integer cents. */
function charge(amount, gateway) {
  const apiKey = '${API_KEY}';
  const merchant = '${MERCHANT}';
  const cents = Math.round(amount * ${factor});
  return gateway.send({ cents, apiKey, merchant });
}

function refund(amount) {
  return -amount;
}

module.exports = { charge, refund };
`;

const PAY_TEST = `const test = require('node:test');
const assert = require('node:assert');
const { charge, refund } = require('../src/pay');

test('charges in cents', () => {
  const sent = charge(12.34, { send: (x) => x });
  assert.strictEqual(sent.cents, 1234);
});

test('refunds', () => {
  assert.strictEqual(refund(1), -1);
});
`;

const FIXED_CHARGE = payJs(100).split('\n').slice(1, 7).join('\n');

/** A git repo whose last commit introduced the bug, with a gitignored .env holding the merchant id. */
function payProject(options: { commit?: boolean } = {}): string {
  const dir = makeProject(
    { 'package.json': '{"scripts":{"test":"node --test"}}', '.gitignore': '.env\nnode_modules\n', 'src/pay.js': payJs(100), 'test/pay.test.js': PAY_TEST },
    options,
  );
  fs.writeFileSync(path.join(dir, '.env'), `MERCHANT_ID=${MERCHANT}\nPORT=3000\n`);
  fs.writeFileSync(path.join(dir, 'src/pay.js'), payJs(10));
  if (options.commit !== false) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'Round amounts to cents before sending');
  }
  return dir;
}

const FAILURE = Failure.parse({
  id: 'test/pay.test.js > charges in cents',
  name: 'charges in cents',
  file: 'test/pay.test.js',
  message: 'Expected values to be strictly equal:\n\n123 !== 1234\n',
  expected: '1234',
  actual: '123',
  stack: [{ file: 'test/pay.test.js', line: 7, column: 10 }],
});

const servers: ScriptedServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

interface Run {
  server: ScriptedServer;
  verified: Candidate[];
  result?: Awaited<ReturnType<typeof runLlmEngine>>;
  error?: unknown;
}

/** Run the engine on `dir` against a scripted server; `verify` passes when the patched charge multiplies by 100. */
async function runEngine(
  dir: string,
  script: Scripted[],
  overrides: Partial<LlmEngineInput> = {},
  llmOptions: Partial<Parameters<typeof createOpenAiLlm>[0]> = {},
): Promise<Run> {
  const server = await startScriptedServer(script);
  servers.push(server);
  const readText = async (rel: string) => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
  const locations = await localize(dir, [FAILURE], readText);
  const run: Run = { server, verified: [] };
  try {
    run.result = await runLlmEngine({
      failures: [FAILURE],
      diagnosis: { failures: [FAILURE], class: 'code-bug', evidence: [], locations },
      files: [{ file: 'src/pay.js', text: (await readText('src/pay.js'))! }],
      root: dir,
      workspaceRoot: dir,
      llm: createOpenAiLlm({ baseUrl: server.url, model: 'scripted', backoffMs: 5, maxRetries: 1, timeoutMs: 2000, ...llmOptions }),
      maxAttempts: 3,
      pastHeals: [],
      log: silentLog,
      verify: async (candidate) => {
        run.verified.push(candidate);
        const ok = candidate.edits.some((e) => e.newText.includes('amount * 100)'));
        // A fake of the verifier: a verified attempt carries the candidate; the engine reads nothing else of it.
        return {
          found: ok ? ({ candidate } as unknown as Found) : undefined,
          reason: ok ? 'all targeted tests pass' : '1 of 1 targeted test(s) still fail',
          output: ok ? '' : 'not ok 1 - charges in cents\n  actual: 1234.5\n  expected: 1234\n',
        };
      },
      ...overrides,
    });
  } catch (error) {
    run.error = error;
  }
  return run;
}

const fixCharge = {
  explanation: 'The factor from dollars to cents is 100, not 10. Multiply by 100.',
  edits: [
    { file: 'src/pay.js', functionName: 'charge', newText: FIXED_CHARGE.replace(API_KEY, '[REDACTED_SECRET_2]').replace(MERCHANT, '[REDACTED_SECRET_1]') },
  ],
};

describe('runLlmEngine', () => {
  it('sends the failure, the whole suspicious function, the failing test and the recent commits — and no secret', async () => {
    const { server, result, verified } = await runEngine(payProject(), [reply(fixCharge)]);
    const sent = server.requests[0].text;
    assert.match(sent, /Message: Expected values to be strictly equal:\n\n123 !== 1234/);
    assert.match(sent, /Expected: 1234\nActual: 123/);
    assert.match(
      sent,
      /### src\/pay\.js — function `charge`, lines 2–7\n```js\nfunction charge\(amount, gateway\) \{[\s\S]*Math\.round\(amount \* 10\);[\s\S]*\n\}\n```/,
    );
    assert.match(sent, /test\('charges in cents', \(\) => \{\n  const sent = charge\(12\.34/);
    assert.ok(!sent.includes("test('refunds'"), 'only the failing test is shown');
    assert.match(
      sent,
      /Round amounts to cents before sending\n```diff\n@@[\s\S]*-  const cents = Math\.round\(amount \* 100\);\n\+  const cents = Math\.round\(amount \* 10\);/,
    );
    for (const secret of [API_KEY, MERCHANT]) assert.ok(!server.requests.some((r) => JSON.stringify(r.body).includes(secret)), `${secret} was sent`);
    assert.match(sent, /const apiKey = '\[REDACTED_SECRET_\d\]';\n  const merchant = '\[REDACTED_SECRET_\d\]';/);
    // The model kept the placeholders; the candidate holds the real values again.
    assert.equal(result?.candidate?.edits[0].newText, FIXED_CHARGE);
    assert.deepEqual(
      { attempts: result?.attempts, invalid: result?.invalid, tokens: result?.tokens },
      { attempts: 1, invalid: 0, tokens: { input: 100, output: 20 } },
    );
    assert.deepEqual(
      { engine: verified[0].engine, operator: verified[0].operator, summary: verified[0].summary },
      { engine: 'llm', operator: 'repair', summary: 'The factor from dollars to cents is 100, not 10' },
    );
  });

  it('rejects a malformed reply, one that does not parse, one editing a test file and one escaping the workspace — each counted, each explained to the model', async () => {
    const script = [
      { content: 'The bug is the factor; use 100.' },
      reply({
        explanation: 'x',
        edits: [{ file: 'src/pay.js', functionName: 'charge', newText: 'function charge(amount, gateway) {\n  return gateway.send({ cents: amount * 100 ' }],
      }),
      reply({
        explanation: 'Relax the test.',
        edits: [{ file: 'test/pay.test.js', range: { startLine: 7, endLine: 7 }, newText: '  assert.ok(sent.cents);' }],
      }),
      reply({
        explanation: 'Patch it elsewhere.',
        edits: [{ file: '../../outside/pay.js', range: { startLine: 1, endLine: 1 }, newText: 'x', outOfScopeReason: 'because' }],
      }),
    ];
    const { server, result, verified } = await runEngine(payProject(), script, { maxAttempts: 4 });
    assert.equal(verified.length, 0, 'no invalid reply reaches the tests');
    assert.equal(result?.attempts, 4);
    assert.equal(result?.invalid, 4);
    assert.deepEqual(result?.tokens, { input: 400, output: 80 });
    const reasons = result!.rejections.map((r) => r.reason);
    assert.match(reasons[0], /^the reply is not a JSON object \("The bug is the factor; use 100\."\)$/);
    assert.match(reasons[1], /^the patched src\/pay\.js does not parse \(/);
    assert.match(reasons[2], /^test\/pay\.test\.js: edits the test file test\/pay\.test\.js, but the failure is a code bug/);
    assert.match(reasons[3], /^\.\.\/\.\.\/outside\/pay\.js: \.\.\/\.\.\/outside\/pay\.js points outside the workspace/);
    for (let i = 1; i < 4; i++) assert.ok(server.requests[i].text.includes(`Reason: ${reasons[i - 1]}`), `request ${i + 1} explains rejection ${i}`);
  });

  it('feeds the diff and the test output of a failed attempt into the next prompt', async () => {
    const wrong = {
      explanation: 'Round later.',
      edits: [{ file: 'src/pay.js', range: { startLine: 5, endLine: 5 }, newText: '  const cents = amount * 100.04;' }],
    };
    const { server, result } = await runEngine(payProject(), [reply(wrong), reply(fixCharge)]);
    assert.ok(result?.candidate);
    assert.equal(result.candidate.operator, 'repair+feedback');
    const second = server.requests[1].text;
    assert.match(second, /previous attempt \(1\) did not pass the tests/);
    assert.match(second, /-  const cents = Math\.round\(amount \* 10\);\n\+  const cents = amount \* 100\.04;/);
    assert.match(second, /Verdict: 1 of 1 targeted test\(s\) still fail/);
    assert.match(second, /not ok 1 - charges in cents\n  actual: 1234\.5/);
  });

  it('stops after its attempts when no fix verifies, and returns the tokens spent', async () => {
    const wrong = (n: number) =>
      reply({
        explanation: `Try ${n}.`,
        edits: [{ file: 'src/pay.js', range: { startLine: 5, endLine: 5 }, newText: `  const cents = Math.round(amount * ${10 + n});` }],
      });
    const { server, result, verified } = await runEngine(payProject(), [wrong(1), wrong(2), wrong(3), wrong(4)]);
    assert.equal(server.requests.length, 3);
    assert.equal(verified.length, 3);
    assert.deepEqual(
      { candidate: result?.candidate, attempts: result?.attempts, tokens: result?.tokens },
      { candidate: undefined, attempts: 3, tokens: { input: 300, output: 60 } },
    );
  });

  it('ends with a clear error when the endpoint keeps failing (500) or times out', async () => {
    const failing = await runEngine(payProject(), [{ status: 500 }, { status: 500 }]);
    assert.match(failing.result?.error ?? '', /server error \(500: scripted 500\) after 2 tries/);
    assert.equal(failing.result?.attempts, 1);
    const slow = await runEngine(payProject(), [{ hang: true }], {}, { timeoutMs: 100 });
    assert.match(slow.result?.error ?? '', /did not answer within 0\.1 s/);
  });

  it('is cancelled by the AbortSignal while waiting for the model', async () => {
    const controller = new AbortController();
    const waiting = setInterval(() => {
      if (servers.at(-1)?.requests.length) controller.abort();
    }, 10);
    const { error, server } = await runEngine(payProject(), [{ hang: true }], { signal: controller.signal }, { timeoutMs: 10_000 });
    clearInterval(waiting);
    assert.equal(server.requests.length, 1);
    // The server never answers: without the cancel this would end in the 10 s timeout's error instead.
    assert.ok(error instanceof SelfHealError && error.code === 'CANCELLED', String(error));
  });

  it('never sends an excluded or ignored file', async () => {
    const { server, result } = await runEngine(payProject(), [reply(fixCharge)], { exclude: ['src/**'] });
    assert.equal(server.requests.length, 0);
    assert.match(result?.error ?? '', /Nothing could be sent to the LLM: src\/pay\.js is private/);
  });

  it('works without git, and shows similar past heals', async () => {
    const past: HealRecord = {
      id: 'h-1',
      kind: 'apply',
      at: '2025-01-01T00:00:00Z',
      workspace: '/w',
      file: 'src/pay.js',
      summary: 'Convert refunds to cents',
      engine: 'llm',
      operator: 'repair',
      diff: '--- a/src/pay.js\n+++ b/src/pay.js\n-  return -amount;\n+  return -amount * 100;\n',
      edits: [],
      before: {},
      after: { 'src/pay.js': '' },
      failures: [{ id: 'x', message: 'Expected values to be strictly equal: refund cents' }],
      diagnosis: { class: 'code-bug', evidence: [], locations: [] },
      tried: [],
      evidence: { targeted: { passed: 1, total: 1 }, suite: { passed: 2, total: 2, newlyFailing: [] } },
      ms: 1,
    };
    const { server, result } = await runEngine(payProject({ commit: false }), [reply(fixCharge)], { pastHeals: [past] });
    assert.ok(result?.candidate);
    assert.match(server.requests[0].text, /no git history for these files/);
    assert.match(server.requests[0].text, /- Convert refunds to cents \(src\/pay\.js; failure: Expected values[\s\S]*\+  return -amount \* 100;/);
  });

  it('keeps within the token budget, dropping old commits before the suspicious function', async () => {
    const dir = payProject();
    for (let i = 0; i < 12; i++) {
      fs.appendFileSync(path.join(dir, 'src/pay.js'), `// note ${i}: ${'x'.repeat(300)}\n`);
      git(dir, 'commit', '-qam', `Note number ${i}`);
    }
    const { server } = await runEngine(dir, [reply(fixCharge)], { tokenBudget: 1500 });
    const sent = server.requests[0].text;
    assert.ok(sent.length <= 1500 * 4, `${sent.length} characters sent`);
    assert.match(sent, /function charge\(amount, gateway\)/);
    assert.match(sent, /Note number 11/, 'the newest commit stays');
    assert.ok(!sent.includes('Note number 2\n'), 'old commits go first');
    const unbounded = await runEngine(dir, [reply(fixCharge)]);
    assert.equal((unbounded.server.requests[0].text.match(/Note number \d+/g) ?? []).length, 10, 'the last 10 commits, no more');
  });
});
