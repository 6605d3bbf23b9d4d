import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { constrain } from '../../../../src/core/healing/llm/constraint';
import { suspiciousUnits } from '../../../../src/core/healing/llm/functions';
import { Privacy } from '../../../../src/core/healing/llm/privacy';
import { Redactor } from '../../../../src/core/healing/llm/redact';
import type { LlmReply } from '../../../../src/core/healing/llm/reply';
import { applyEdits } from '../../../../src/core/edits';
import { makeProject, tempDir } from '../../../helpers/repo';

const SOURCE = `const helper = (x) => x * 2;

/** Sum of a and b. */
const add = (a, b) => a - b;

function other() {
  return 1;
}

module.exports = { add, helper, other };
`;

async function setup(extra: Record<string, string> = {}, exclude: string[] = []) {
  const dir = makeProject(
    {
      'src/math.js': SOURCE,
      'test/math.test.js': "test('adds', () => {});\n",
      '.gitignore': 'build/\n',
      'build/out.js': 'x\n',
      'secret/conf.js': 'module.exports = 1;\n',
      ...extra,
    },
    { commit: false },
  );
  const start = SOURCE.indexOf('(a, b) =>');
  const scope = await suspiciousUnits(
    [{ file: 'src/math.js', start, end: SOURCE.indexOf(';', start), line: 3, score: 1, why: 'stack' }],
    [{ file: 'src/math.js', text: SOURCE }],
  );
  const redactor = new Redactor();
  const run = (reply: LlmReply, options: { testProblem?: boolean; enforce?: boolean } = {}) =>
    constrain({
      reply,
      privacy: Privacy.create(dir, exclude),
      redactor,
      scope,
      readText: async (rel) => fs.promises.readFile(path.join(dir, rel), 'utf8').catch(() => undefined),
      testProblem: options.testProblem ?? false,
      enforce: options.enforce ?? true,
    });
  return { dir, scope, run, redactor };
}

const edit = (e: Partial<LlmReply['edits'][number]>): LlmReply => ({ explanation: 'fix', edits: [{ file: 'src/math.js', newText: '', ...e }] });

describe('constrain (the AST constraint)', () => {
  it('scopes edits to the whole localized function, declaration included', async () => {
    const { scope, run } = await setup();
    assert.equal(scope[0].text, 'const add = (a, b) => a - b;');
    const result = await run(edit({ functionName: 'add', newText: 'const add = (a, b) => a + b;' }));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.match(applyEdits(SOURCE, result.edits), /const add = \(a, b\) => a \+ b;\n\nfunction other/);
    assert.equal(result.editsTests, false);
  });

  it('replaces whole lines for a range edit', async () => {
    const { run } = await setup();
    const result = await run(edit({ range: { startLine: 4, endLine: 4 }, newText: 'const add = (a, b) => b + a;\n' }));
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(result.after['src/math.js'], SOURCE.replace('a - b', 'b + a'));
  });

  it('refuses a patch that does not parse, saying where', async () => {
    const { run } = await setup();
    const result = await run(edit({ functionName: 'add', newText: 'const add = (a, b) => { return a + b;' }));
    // tree-sitter notices the missing brace where the file ends.
    assert.deepEqual(result, { ok: false, reason: 'the patched src/math.js does not parse (missing `}` at line 10)' });
  });

  it('refuses an edit outside the localized functions unless the model says why', async () => {
    const { run } = await setup();
    const outside = await run(edit({ functionName: 'other', newText: 'function other() {\n  return 2;\n}' }));
    assert.ok(!outside.ok && /lines 6–8 are outside the suspicious function\(s\) src\/math\.js:4–4 \(add\)/.test(outside.reason), JSON.stringify(outside));
    const explained = await run(edit({ functionName: 'other', newText: 'function other() {\n  return 2;\n}', outOfScopeReason: 'add delegates to other' }));
    assert.ok(explained.ok);
  });

  it('refuses to edit a test file for a code bug, and allows it for a test problem', async () => {
    const { run } = await setup();
    const reply = edit({
      file: 'test/math.test.js',
      range: { startLine: 1, endLine: 1 },
      newText: "test('adds', () => { /* skip */ });",
      outOfScopeReason: 'the test is wrong',
    });
    const refused = await run(reply);
    assert.deepEqual(refused, {
      ok: false,
      reason: 'test/math.test.js: edits the test file test/math.test.js, but the failure is a code bug; fix the code under test, not the test',
    });
    const allowed = await run(reply, { testProblem: true });
    assert.ok(allowed.ok && allowed.editsTests);
  });

  it('refuses paths outside the workspace: ../, absolute, and symlinks that lead out', async () => {
    const outside = path.join(tempDir(), 'outside.js');
    fs.writeFileSync(outside, 'module.exports = 1;\n');
    const { dir, run } = await setup();
    fs.symlinkSync(outside, path.join(dir, 'src/link.js'));
    const reasons = [];
    for (const file of ['../../outside.js', 'src/../../outside.js', outside, 'C:\\temp\\x.js', 'src/link.js']) {
      const result = await run(edit({ file, range: { startLine: 1, endLine: 1 }, newText: 'module.exports = 2;', outOfScopeReason: 'probe' }));
      assert.ok(!result.ok, file);
      reasons.push(result.reason);
    }
    assert.match(reasons[0], /points outside the workspace \(\.\.\)/);
    assert.match(reasons[1], /points outside the workspace/);
    assert.match(reasons[2], /is an absolute path/);
    assert.match(reasons[3], /is an absolute path/);
    assert.match(reasons[4], /resolves outside the workspace \(a symlink to /);
    assert.equal(fs.readFileSync(outside, 'utf8'), 'module.exports = 1;\n');
  });

  it('refuses ignored, excluded and secret files, and files that do not exist', async () => {
    const { run } = await setup({ '.env': 'A=bcdefgh\n' }, ['secret/**']);
    const reasonFor = async (file: string) => {
      const result = await run(edit({ file, range: { startLine: 1, endLine: 1 }, newText: 'y', outOfScopeReason: 'probe' }));
      return result.ok ? 'accepted' : result.reason;
    };
    assert.match(await reasonFor('build/out.js'), /ignored by \.gitignore/);
    assert.match(await reasonFor('secret/conf.js'), /is private/);
    assert.match(await reasonFor('.env'), /is private/);
    assert.match(await reasonFor('src/new.js'), /does not exist/);
  });

  it('refuses edits that change nothing or overlap', async () => {
    const { run } = await setup();
    assert.deepEqual(await run(edit({ functionName: 'add', newText: 'const add = (a, b) => a - b;' })), { ok: false, reason: 'the edits change nothing' });
    const overlap: LlmReply = {
      explanation: 'x',
      edits: [
        { file: 'src/math.js', functionName: 'add', newText: 'const add = 1;' },
        { file: 'src/math.js', range: { startLine: 4, endLine: 4 }, newText: 'const add = 2;' },
      ],
    };
    assert.deepEqual(await run(overlap), { ok: false, reason: 'two edits overlap in src/math.js' });
  });

  it('puts redacted secrets back into the patched code', async () => {
    const { run, redactor } = await setup();
    const key = 'sk-' + 'live' + 'Q1w2E3r4T5y6U7i8O9p0';
    const marker = redactor.redact(`'${key}'`).slice(1, -1);
    const result = await run(edit({ functionName: 'add', newText: `const add = (a, b) => a + b + '${marker}'.length;` }));
    assert.ok(result.ok);
    assert.ok(result.edits[0].newText.includes(key));
  });

  it('without the constraint, lets unparseable and out-of-scope patches through but still guards paths', async () => {
    const { run } = await setup();
    assert.ok((await run(edit({ functionName: 'add', newText: 'const add = (a, b) => {' }), { enforce: false })).ok);
    assert.ok((await run(edit({ file: 'test/math.test.js', range: { startLine: 1, endLine: 1 }, newText: '// gone' }), { enforce: false })).ok);
    assert.ok(!(await run(edit({ file: '../x.js', range: { startLine: 1, endLine: 1 }, newText: '' }), { enforce: false })).ok);
  });
});
