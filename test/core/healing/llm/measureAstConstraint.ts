/**
 * What the AST constraint prevents, measured with a SCRIPTED model (not a real LLM):
 * `node --import tsx test/core/healing/llm/measureAstConstraint.ts`
 *
 * For each code-bug example, five scripted replies of the kinds models are known to produce — a
 * truncated function that does not parse, an edit that weakens the failing test, an out-of-scope
 * workaround at module level, a plausible but wrong fix, and the correct fix — are each run
 * through the engine once with the constraint and once without, against the real sandbox and
 * the real tests. Because the replies are fixed, this measures what the constraint filters and
 * what that saves, not how a real model improves when told why its reply was refused.
 */
import { createOpenAiLlm } from '../../../../src/core/healing/llm/openaiLlm';
import { runLlmEngine } from '../../../../src/core/healing/llm/engine';
import { isTestFile, localize } from '../../../../src/core/analysis/localize';
import { Search } from '../../../../src/core/verify/search';
import { silentLog } from '../../../../src/core/ports';
import { createSandbox } from '../../../../src/core/verify/sandbox';
import { defaultTestCommand } from '../../../../src/core/verify/testCommand';
import { ProcessTestRunner } from '../../../../src/core/verify/testRunner';
import { exampleProject } from '../../../helpers/repo';
import { reply, startScriptedServer } from './scriptedServer';

type Kind = 'unparseable' | 'edits the test' | 'out of scope' | 'wrong' | 'correct';
interface Reply {
  kind: Kind;
  file: string;
  /** Replace the line containing `line` and the `span - 1` lines after it (or the function `fn`) with `text`. */
  line?: string;
  span?: number;
  fn?: string;
  text: string;
}

const CASES: Array<{ example: string; source: string; test: string; replies: Reply[] }> = [
  {
    example: 'off-by-one',
    source: 'src/range.js',
    test: 'test/range.test.js',
    replies: [
      {
        kind: 'unparseable',
        file: 'src/range.js',
        fn: 'range',
        text: 'function range(start, end) {\n  const out = [];\n  for (let i = start; i <= end; i++) {\n    out.push(i);\n  return out;\n}',
      },
      {
        kind: 'edits the test',
        file: 'test/range.test.js',
        line: 'range(1, 3), [1, 2, 3]',
        span: 2,
        text: '  assert.deepStrictEqual(range(1, 3), [1, 2]);\n  assert.deepStrictEqual(range(5, 6), [5]);',
      },
      { kind: 'out of scope', file: 'src/range.js', line: 'module.exports', text: 'module.exports = { range: (a, b) => range(a, b + 1), page };' },
      {
        kind: 'wrong',
        file: 'src/range.js',
        fn: 'range',
        text: 'function range(start, end) {\n  const out = [];\n  for (let i = start; i <= end + 1; i++) {\n    out.push(i);\n  }\n  return out;\n}',
      },
      {
        kind: 'correct',
        file: 'src/range.js',
        fn: 'range',
        text: 'function range(start, end) {\n  const out = [];\n  for (let i = start; i <= end; i++) {\n    out.push(i);\n  }\n  return out;\n}',
      },
    ],
  },
  {
    example: 'null-check',
    source: 'src/user.js',
    test: 'test/user.test.js',
    replies: [
      { kind: 'unparseable', file: 'src/user.js', fn: 'cityOf', text: 'function cityOf(user) {\n  return user.address?.city;\n' },
      {
        kind: 'edits the test',
        file: 'test/user.test.js',
        line: "cityOf({ first: 'Ann' }), undefined",
        text: "  assert.throws(() => cityOf({ first: 'Ann' }));",
      },
      {
        kind: 'out of scope',
        file: 'src/user.js',
        line: 'module.exports',
        text: 'module.exports = { cityOf: (u) => (u.address ? cityOf(u) : undefined), displayName };',
      },
      { kind: 'wrong', file: 'src/user.js', fn: 'cityOf', text: 'function cityOf(user) {\n  return user.address.city || undefined;\n}' },
      { kind: 'correct', file: 'src/user.js', fn: 'cityOf', text: 'function cityOf(user) {\n  return user.address?.city;\n}' },
    ],
  },
  {
    example: 'type-handling',
    source: 'src/cart.js',
    test: 'test/cart.test.js',
    replies: [
      {
        kind: 'unparseable',
        file: 'src/cart.js',
        fn: 'total',
        text: 'function total(items) {\n  return items.reduce((sum, item) => sum + Number(item.price, 0);\n}',
      },
      { kind: 'edits the test', file: 'test/cart.test.js', line: '3.5);', text: "  assert.strictEqual(total([{ price: '1.50' }, { price: '2' }]), '01.502');" },
      {
        kind: 'out of scope',
        file: 'src/cart.js',
        line: 'module.exports',
        text: 'module.exports = { total: (items) => total(items.map((i) => ({ price: +i.price }))), count };',
      },
      {
        kind: 'wrong',
        file: 'src/cart.js',
        fn: 'total',
        text: 'function total(items) {\n  return items.reduce((sum, item) => sum + parseInt(item.price, 10), 0);\n}',
      },
      {
        kind: 'correct',
        file: 'src/cart.js',
        fn: 'total',
        text: 'function total(items) {\n  return items.reduce((sum, item) => sum + Number(item.price), 0);\n}',
      },
    ],
  },
  {
    example: 'missing-await',
    source: 'src/profile.js',
    test: 'test/profile.test.js',
    replies: [
      {
        kind: 'unparseable',
        file: 'src/profile.js',
        fn: 'loadProfile',
        text: 'async function loadProfile(store, id) {\n  const user = await store.get(id);\n  return { id, name: user.name };\n',
      },
      {
        kind: 'edits the test',
        file: 'test/profile.test.js',
        line: "{ id: 1, name: 'Ann' }",
        text: '  assert.deepStrictEqual(await loadProfile(store, 1), { id: 1, name: undefined });',
      },
      {
        kind: 'out of scope',
        file: 'src/profile.js',
        line: 'module.exports',
        text: 'module.exports = { loadProfile: async (s, id) => ({ id, name: (await s.get(id)).name }) };',
      },
      {
        kind: 'wrong',
        file: 'src/profile.js',
        fn: 'loadProfile',
        text: 'async function loadProfile(store, id) {\n  const user = store.get(id).then((u) => u);\n  return { id, name: user.name };\n}',
      },
      {
        kind: 'correct',
        file: 'src/profile.js',
        fn: 'loadProfile',
        text: 'async function loadProfile(store, id) {\n  const user = await store.get(id);\n  return { id, name: user.name };\n}',
      },
    ],
  },
];

interface Tally {
  replies: number;
  refused: number;
  reachedTests: number;
  invalidReachedTests: number;
  testRuns: number;
  verified: number;
  verifiedInvalid: string[];
}

async function main(): Promise<void> {
  const tallies: Record<'with' | 'without', Tally> = {
    with: { replies: 0, refused: 0, reachedTests: 0, invalidReachedTests: 0, testRuns: 0, verified: 0, verifiedInvalid: [] },
    without: { replies: 0, refused: 0, reachedTests: 0, invalidReachedTests: 0, testRuns: 0, verified: 0, verifiedInvalid: [] },
  };
  const server = await startScriptedServer();
  const llm = createOpenAiLlm({ baseUrl: server.url, model: 'scripted', maxRetries: 0 });
  for (const c of CASES) {
    const root = exampleProject(c.example);
    const sandbox = await createSandbox({ root });
    try {
      const runner = new ProcessTestRunner();
      const command = await defaultTestCommand(root);
      const baseline = await runner.run({ cwd: sandbox.cwd, command, timeoutMs: 30_000 });
      const failures = baseline.failures;
      const read = (rel: string) => sandbox.read(rel);
      const locations = (await localize(sandbox.cwd, failures, read)).filter((l) => !isTestFile(l.file));
      const files = [{ file: c.source, text: (await read(c.source))! }];
      const testText = (await read(c.test))!;
      for (const r of c.replies) {
        const text = r.file === c.test ? testText : files[0].text;
        const startLine = text.split('\n').findIndex((l) => l.includes(r.line ?? '\u0000')) + 1;
        const edit = r.fn
          ? { file: r.file, functionName: r.fn, newText: r.text }
          : { file: r.file, range: { startLine, endLine: startLine + (r.span ?? 1) - 1 }, newText: r.text };
        for (const mode of ['with', 'without'] as const) {
          const t = tallies[mode];
          server.script.push(reply({ explanation: `scripted ${r.kind} reply`, edits: [edit] }));
          const search = new Search({
            sandbox,
            runner,
            command,
            baseline,
            targeted: failures.map((f) => f.id),
            testFiles: [c.test],
            timeoutMs: 30_000,
            log: silentLog,
          });
          const result = await runLlmEngine({
            failures,
            diagnosis: { failures, class: 'code-bug', evidence: [], locations },
            files,
            root: sandbox.cwd,
            llm,
            maxAttempts: 1,
            pastHeals: [],
            log: silentLog,
            astConstraint: mode === 'with',
            verify: (candidate) => search.verifyWithOutput(candidate),
          });
          t.replies++;
          t.refused += result.invalid;
          t.testRuns += search.tally.testRuns;
          const reached = result.invalid === 0;
          const invalidKind = r.kind !== 'wrong' && r.kind !== 'correct';
          if (reached) t.reachedTests++;
          if (reached && invalidKind) t.invalidReachedTests++;
          if (result.candidate) t.verified++;
          if (result.candidate && invalidKind) t.verifiedInvalid.push(`${c.example}: ${r.kind}`);
          process.stderr.write(
            `${c.example.padEnd(14)} ${r.kind.padEnd(15)} ${mode.padEnd(8)} ${result.invalid ? `refused: ${result.rejections[0].reason}` : result.candidate ? 'VERIFIED' : 'failed the tests'}\n`,
          );
          search.dispose();
        }
      }
    } finally {
      await sandbox.dispose();
    }
  }
  await server.close();
  process.stdout.write('\nScripted replies (not a real model): 4 examples × 5 replies, each run once per mode.\n');
  process.stdout.write('mode                     replies  refused  reached tests  invalid reaching tests  test runs  verified  verified but invalid\n');
  for (const mode of ['with', 'without'] as const) {
    const t = tallies[mode];
    process.stdout.write(
      `${(mode === 'with' ? 'AST constraint on' : 'AST constraint off').padEnd(24)} ${String(t.replies).padStart(7)}  ${String(t.refused).padStart(7)}  ${String(t.reachedTests).padStart(13)}  ${`${t.invalidReachedTests}/${t.reachedTests} (${Math.round((100 * t.invalidReachedTests) / Math.max(1, t.reachedTests))}%)`.padStart(22)}  ${String(t.testRuns).padStart(9)}  ${String(t.verified).padStart(8)}  ${t.verifiedInvalid.length} ${t.verifiedInvalid.length ? `(${t.verifiedInvalid.join('; ')})` : ''}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
