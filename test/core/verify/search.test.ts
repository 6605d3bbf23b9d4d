/**
 * The verifier (src/core/verify/search.ts) with a real mocha and a real sandbox: a candidate is
 * first run on the failing tests' files and then on the whole suite, except when those files are
 * the command's own entry (an index spec that imports every other, as some projects run their
 * suite): that narrowed run would be the whole suite again, paid twice per candidate.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Candidate } from '../../../src/core/model';
import type { TestRunner, TestRunRequest } from '../../../src/core/ports';
import { silentLog } from '../../../src/core/ports';
import { createSandbox } from '../../../src/core/verify/sandbox';
import { Search } from '../../../src/core/verify/search';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { makeProject } from '../../helpers/repo';
import { linkRunner } from '../runners/runnerProjects';

const ADD = 'export function add(a, b) {\n  return a - b;\n}\n';
const ADD_CJS = 'exports.add = function add(a, b) {\n  return a - b;\n};\n';
// ES modules: the in-process screen leaves them to the real runner, whose runs are what is counted.
const SPEC =
  "import assert from 'node:assert';\nimport { add } from '../src/add.mjs';\ndescribe('add', () => {\n  it('adds', () => assert.equal(add(2, 3), 5));\n  it('adds nothing', () => assert.equal(add(0, 0), 0));\n});\n";

/** The project's runner, recording which files each run was narrowed to. */
class RecordingRunner implements TestRunner {
  readonly runs: Array<string[] | undefined> = [];
  private readonly inner = new ProcessTestRunner();

  run(request: TestRunRequest) {
    this.runs.push(request.files);
    return this.inner.run(request);
  }

  narrows(request: { cwd: string; command: string; files: string[] }) {
    return this.inner.narrows(request);
  }
}

async function verifyTheFix(
  script: string,
  files: Record<string, string>,
  testFiles: string[],
  moduleType: 'module' | 'commonjs' = 'module',
  how: 'search' | 'with output' = 'search',
): Promise<{ verified: boolean; runs: Array<string[] | undefined> }> {
  const [source, text] = moduleType === 'module' ? ['src/add.mjs', ADD] : ['src/add.js', ADD_CJS];
  const root = makeProject({
    ...files,
    [source]: text,
    'package.json': JSON.stringify({ type: moduleType, scripts: { test: script } }),
  });
  linkRunner(root, 'mocha', 'current');
  const sandbox = await createSandbox({ root });
  const runner = new RecordingRunner();
  try {
    const baseline = await runner.run({ cwd: sandbox.cwd, command: 'npm test', timeoutMs: 60_000 });
    const targeted = baseline.failures.map((f) => f.id);
    assert.equal(targeted.length, 1, baseline.output);
    const search = new Search({ sandbox, runner, command: 'npm test', baseline, targeted, testFiles, timeoutMs: 60_000, log: silentLog });
    await search.prepare();
    const start = text.indexOf('-');
    const fix: Candidate = {
      id: 'c1',
      engine: 'mutation',
      operator: 'binary-operator',
      summary: 'replace `-` with `+`',
      edits: [{ file: source, start, end: start + 1, newText: '+' }],
      cost: 1,
      editsTests: false,
    };
    runner.runs.length = 0;
    // The mutation search's path, or the LLM engine's (real runs only, keeping the output for feedback).
    const found = how === 'search' ? await search.tryCandidate(fix) : (await search.verifyWithOutput(fix)).found;
    search.dispose();
    return { verified: found !== undefined, runs: runner.runs };
  } finally {
    await sandbox.dispose();
  }
}

describe('the verifier', () => {
  it('runs a candidate on the failing tests’ file first, then on the whole suite', async () => {
    const { verified, runs } = await verifyTheFix(
      'mocha test/add.spec.mjs test/other.spec.mjs',
      { 'test/add.spec.mjs': SPEC, 'test/other.spec.mjs': "describe('other', () => it('runs', () => {}));\n" },
      ['test/add.spec.mjs'],
    );
    assert.ok(verified);
    assert.deepEqual(runs, [['test/add.spec.mjs'], undefined]);
  });

  it('runs it once, on the whole suite, when the failing tests’ file is the command’s own entry', async () => {
    const { verified, runs } = await verifyTheFix('mocha test/index.mjs', { 'test/index.mjs': "import './add.spec.mjs';\n", 'test/add.spec.mjs': SPEC }, [
      'test/index.mjs',
    ]);
    assert.ok(verified);
    assert.deepEqual(runs, [undefined]);
  });

  it('runs an LLM candidate once, on the whole suite, too, when the failing tests’ file is the command’s own entry', async () => {
    const { verified, runs } = await verifyTheFix(
      'mocha test/index.mjs',
      { 'test/index.mjs': "import './add.spec.mjs';\n", 'test/add.spec.mjs': SPEC },
      ['test/index.mjs'],
      'module',
      'with output',
    );
    assert.ok(verified);
    assert.deepEqual(runs, [undefined]);
  });

  it('judges candidates with real runs when only the in-process screen fails to load the tests', async () => {
    // CommonJS, so the screen runs these tests. The entry patches a global and refuses to patch it
    // twice, as test helpers that wrap console or timers do: loaded once by the real runner it is
    // fine, but the screen's warm second load throws. Taking that for "the code does not load"
    // would reject every candidate, the right one too.
    const { verified } = await verifyTheFix(
      'mocha test/index.js',
      {
        'test/index.js':
          "if (global.__wrapped) throw new Error('Attempted to wrap log which is already wrapped');\nglobal.__wrapped = true;\nrequire('./add.spec.js');\n",
        'test/add.spec.js':
          "const assert = require('node:assert');\nconst { add } = require('../src/add.js');\ndescribe('add', () => {\n  it('adds', () => assert.equal(add(2, 3), 5));\n  it('adds nothing', () => assert.equal(add(0, 0), 0));\n});\n",
      },
      ['test/index.js'],
      'commonjs',
    );
    assert.ok(verified);
  });
});
