/**
 * The LLM engine end to end: healWorkspace on a real git repo with a node:test project, a real
 * sandbox and real test runs, talking to a scripted OpenAI-compatible server over real HTTP.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskFiles } from '../../../../src/cli/adapters/files';
import type { HealOptions } from '../../../../src/core/api';
import { createOpenAiLlm } from '../../../../src/core/healing/llm/openaiLlm';
import { healWorkspace } from '../../../../src/core/heal';
import { SelfHealError } from '../../../../src/core/model';
import type { Log } from '../../../../src/core/ports';
import { exampleProject, fingerprint, ourSandboxes } from '../../../helpers/repo';
import { reply, startScriptedServer, type Scripted, type ScriptedServer } from './scriptedServer';

const RANGE_FIXED = `function range(start, end) {
  const out = [];
  for (let i = start; i <= end; i++) {
    out.push(i);
  }
  return out;
}`;

/** Compiles, changes behaviour, and still fails — with an output only this attempt can produce. */
const RANGE_WRONG = RANGE_FIXED.replace('i <= end', 'i < end').replace('return out;', "return out.concat('sentinel-' + (40 + 2));");

const fix = (newText: string, explanation = 'The loop must include `end`: use <= instead of <.') =>
  reply({ explanation, edits: [{ file: 'src/range.js', functionName: 'range', newText }] });

const servers: ScriptedServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

function recordingLog(lines: string[]): Log {
  const push = (level: string) => (m: string) => lines.push(`${level}: ${m}`);
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

async function heal(script: Scripted[], options: Partial<HealOptions> = {}, llmOptions: Partial<Parameters<typeof createOpenAiLlm>[0]> = {}) {
  const server = await startScriptedServer(script);
  servers.push(server);
  const dir = exampleProject('off-by-one');
  const before = fingerprint(dir);
  const lines: string[] = [];
  const llm = createOpenAiLlm({ baseUrl: server.url, model: 'scripted', backoffMs: 5, maxRetries: 1, timeoutMs: 3000, ...llmOptions });
  const report = healWorkspace({ files: new DiskFiles(dir), engines: ['llm'], llm, log: recordingLog(lines), ...options });
  return { server, dir, before, lines, report };
}

describe('healWorkspace with the LLM engine', () => {
  it('turns a correct reply into a verified fix, with the engine, prompt and token counts on it', async () => {
    const { server, dir, before, report } = await heal([fix(RANGE_FIXED)]);
    const outcome = (await report).heals[0];
    assert.ok(outcome.fix, outcome.reason);
    assert.match(outcome.fix.after['src/range.js'], /for \(let i = start; i <= end; i\+\+\)/);
    assert.deepEqual(outcome.fix.evidence.targeted, { passed: 1, total: 1 });
    assert.deepEqual(outcome.fix.evidence.suite.newlyFailing, []);
    assert.deepEqual(
      { engine: outcome.fix.candidate.engine, operator: outcome.fix.candidate.operator, summary: outcome.fix.candidate.summary },
      { engine: 'llm', operator: 'repair', summary: 'The loop must include `end`: use <= instead of <' },
    );
    assert.deepEqual(outcome.tokens, { input: 100, output: 20 });
    assert.deepEqual(outcome.fix.candidate.tokens, { input: 100, output: 20 });
    assert.equal(server.requests.length, 1);
    assert.match(server.requests[0].text, /function range\(start, end\) \{\n  const out = \[\];\n  for \(let i = start; i < end; i\+\+\)/);
    assert.match(server.requests[0].text, /range includes both ends/);
    assert.equal(fingerprint(dir), before, 'nothing changes before apply');
    assert.deepEqual(ourSandboxes(), []);
  });

  it("feeds a failed attempt's test output into the next prompt, and verifies the second", async () => {
    const { server, report } = await heal([fix(RANGE_WRONG, 'Append a marker.'), fix(RANGE_FIXED)]);
    const outcome = (await report).heals[0];
    assert.ok(outcome.fix, outcome.reason);
    assert.equal(outcome.candidatesTried, 2);
    assert.equal(outcome.fix.candidate.operator, 'repair+feedback');
    assert.deepEqual(outcome.tokens, { input: 200, output: 40 });
    const second = server.requests[1].text;
    assert.ok(!server.requests[0].text.includes('sentinel-42'));
    assert.match(second, /Verdict: 1 of 1 targeted test\(s\) still fail/);
    assert.ok(second.includes("'sentinel-42'"), "the second prompt carries what the first attempt's test run printed");
    assert.match(second, /\+  return out\.concat\('sentinel-' \+ \(40 \+ 2\)\);/);
  });

  it('gives up after three attempts that all fail, each verified in the sandbox', async () => {
    const { server, report } = await heal([fix(RANGE_WRONG), fix(RANGE_WRONG.replace('40', '41')), fix(RANGE_WRONG.replace('40', '39')), fix(RANGE_FIXED)]);
    const outcome = (await report).heals[0];
    assert.equal(outcome.fix, undefined);
    assert.equal(server.requests.length, 3);
    assert.equal(outcome.candidatesTried, 3);
    assert.equal(outcome.tried.length, 3);
    assert.ok(outcome.tried.every((t) => t.status === 'rejected'));
    assert.ok(server.requests[2].text.includes("'sentinel-43'"), "the third prompt carries the second attempt's output");
  });

  it('never lets a reply that edits the test file reach the sandbox', async () => {
    const cheat = reply({
      explanation: 'Make the test agree with the code.',
      edits: [
        {
          file: 'test/range.test.js',
          range: { startLine: 6, endLine: 6 },
          newText: '  assert.deepStrictEqual(range(1, 3), [1, 2]);',
          outOfScopeReason: 'the test expects too much',
        },
      ],
    });
    const { lines, report } = await heal([cheat, cheat, cheat]);
    const outcome = (await report).heals[0];
    assert.equal(outcome.fix, undefined);
    assert.equal(outcome.candidatesTried, 0);
    assert.equal(outcome.testRuns, 0);
    assert.equal(lines.filter((l) => /reply rejected: test\/range\.test\.js: edits the test file/.test(l)).length, 3);
  });

  it('ends the heal without a fix, and says why, when the endpoint fails with 500', async () => {
    const { lines, report } = await heal([{ status: 500 }, { status: 500 }]);
    const outcome = (await report).heals[0];
    assert.equal(outcome.fix, undefined);
    assert.ok(
      lines.some((l) =>
        /^warn: llm: attempt 1\/3 for range includes both ends: The LLM at http:\/\/127\.0\.0\.1:\d+\/v1 failed with a server error \(500/.test(l),
      ),
      lines.join('\n'),
    );
  });

  it('is cancelled through the AbortSignal while the model thinks, leaving no sandbox behind', async () => {
    const controller = new AbortController();
    const { server, dir, before, report } = await heal([{ hang: true }], { signal: controller.signal }, { timeoutMs: 30_000 });
    const waiting = setInterval(() => {
      if (server.requests.length) controller.abort();
    }, 10);
    await assert.rejects(report, (e: unknown) => e instanceof SelfHealError && e.code === 'CANCELLED');
    clearInterval(waiting);
    assert.equal(fingerprint(dir), before);
    assert.deepEqual(ourSandboxes(), []);
    assert.ok(!fs.existsSync(path.join(dir, '.self-heal')));
  });
});
