/**
 * Engine choice for the benchmark, made exactly as `self-heal heal` makes it (llmFromCli: same
 * flags, same environment variables for the key, same meaning of `all` = offline first, then the
 * model), plus a probe that tells whether healWorkspace actually consults an LLM, so a core
 * without the engine is reported as such instead of being measured under the LLM's name.
 */
import { DiskFiles } from '../src/cli/adapters/files';
import { llmFromCli } from '../src/cli/llmOptions';
import { healWorkspace } from '../src/core/heal';
import type { Llm } from '../src/core/ports';
import type { EngineChoice } from './runCase';
import { createWorkspace } from './workspace';

const PROBE_FILES = {
  'package.json': JSON.stringify({ name: 'llm-probe', private: true, scripts: { test: 'node --test' } }),
  'src/add.js': 'const add = (a, b) => a - b;\nmodule.exports = { add };\n',
  'test/add.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\ntest('add', () => assert.strictEqual(add(2, 3), 5));\n",
};

/** Undefined when the core consults the LLM on a failing test; otherwise why it is not available. */
async function llmUnavailable(): Promise<string | undefined> {
  let calls = 0;
  const probe: Llm = {
    complete() {
      calls++;
      return Promise.resolve({ text: '', usage: { input: 0, output: 0 } });
    },
  };
  const workspace = await createWorkspace('llm-probe', PROBE_FILES);
  try {
    await healWorkspace({ files: new DiskFiles(workspace.dir), engines: ['llm'], llm: probe, llmMaxAttempts: 1, maxCandidates: 1, testTimeoutMs: 10_000 });
  } catch (error) {
    return `llm engine not available: the probe heal failed (${(error as Error).message})`;
  } finally {
    await workspace.dispose();
  }
  return calls > 0 ? undefined : 'llm engine not available: healWorkspace did not consult the LLM on a failing test (engines: ["llm"])';
}

/** The engines to run, or a sentence saying why they cannot run. */
export async function engineChoice(engine: 'offline' | 'llm' | 'all', baseUrl: string | undefined, model: string | undefined): Promise<EngineChoice | string> {
  const choice = llmFromCli({ engine, 'base-url': baseUrl, model }, process.env);
  if (typeof choice === 'string') return choice;
  if (choice.llm) {
    const unavailable = await llmUnavailable();
    if (unavailable) return unavailable;
  }
  return { name: engine, engines: choice.engines, llm: choice.llm, llmMaxAttempts: choice.maxAttempts, describe: choice.describe };
}
