/**
 * Behaviour outside the failing tests (issue 14): the original and each verified fix are run on
 * the inputs the tests call with and their neighbours (probes.ts), in a probe worker forked in the
 * sandbox. No reference solution is used — only original against patched. Anything the worker
 * cannot do (ES modules, TypeScript, no literal calls, a hang past the budget) makes the result
 * "not measured", and the ranking falls back to anti-patterns and size.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostPlatform } from '../../verify/platform';
import { cleanEnv } from '../../verify/process';
import { probesIn } from './probes';
import type { ProbeReply, ProbeRequest } from './probeWorker';

export interface BehaviourInput {
  /** The sandbox: the worker runs there, so the code under test never sees the user's folder. */
  cwd: string;
  /** Workspace-relative file every variant is a version of. */
  target: string;
  /** Full texts: the original first, then one per fix. */
  variants: string[];
  /** Test files (workspace-relative) and the names of their failing tests. */
  testFiles: string[];
  failingNames: string[];
  readText: (rel: string) => Promise<string | undefined>;
  budgetMs: number;
  signal?: AbortSignal;
}

export type Behaviour =
  | {
      measured: true;
      /** Per variant: probe inputs outside the failing tests' own calls whose result differs from the original's. */
      changed: number[];
      /** Per variant: its results on every input, to tell equivalent fixes apart from different ones. */
      results: string[];
      inputs: number;
    }
  | { measured: false; reason: string };

function workerEntry(): { file: string; execArgv: string[] } {
  // Next to the bundle (dist/cli.js, dist/extension.js), or the built copy when running from source.
  for (const candidate of [path.join(__dirname, 'probeWorker.js'), path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'probeWorker.js')]) {
    if (fs.existsSync(candidate)) return { file: candidate, execArgv: [] };
  }
  return { file: path.join(__dirname, 'probeWorker.ts'), execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}

function runWorker(cwd: string, request: ProbeRequest, budgetMs: number, signal?: AbortSignal): Promise<ProbeReply> {
  const entry = workerEntry();
  const child = fork(entry.file, [], {
    cwd,
    execArgv: entry.execArgv,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    ...hostPlatform.treeRoot,
    env: cleanEnv({ ...process.env, NODE_ENV: 'test' }),
  });
  return new Promise<ProbeReply>((resolve) => {
    const done = (reply: ProbeReply): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (child.pid) hostPlatform.killTree(child.pid);
      resolve(reply);
    };
    const onAbort = (): void => done({ ok: false, reason: 'cancelled' });
    const timer = setTimeout(() => done({ ok: false, reason: `the probes took over ${budgetMs} ms` }), budgetMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (reply: ProbeReply) => done(reply));
    child.on('error', (error) => done({ ok: false, reason: error.message }));
    child.on('exit', () => done({ ok: false, reason: 'the probe worker stopped' }));
    child.send(request);
  });
}

export async function measureBehaviour(input: BehaviourInput): Promise<Behaviour> {
  if (!/\.(c?js)$/.test(input.target)) return { measured: false, reason: `${path.extname(input.target)} files are not probed` };
  const probes = [];
  for (const file of input.testFiles) {
    const text = await input.readText(file);
    if (text) probes.push(...probesIn(text, input.failingNames));
  }
  if (probes.length === 0) return { measured: false, reason: 'the tests make no call with literal arguments' };
  const request: ProbeRequest = { target: path.join(input.cwd, input.target), variants: input.variants, probes, callMs: 1000, maxInputs: 200 };
  const reply = await runWorker(input.cwd, request, input.budgetMs, input.signal);
  if (!reply.ok) return { measured: false, reason: reply.reason };
  // The ranking counts changes on the tests' calls and their neighbours; the code's boundaries only tell fixes apart.
  const outside = reply.failing.map((failing, i) => !failing && !reply.boundary[i]);
  const changed = reply.outputs.map((row) => row.filter((out, i) => outside[i] && out !== reply.outputs[0][i]).length);
  return { measured: true, changed, results: reply.outputs.map((row) => row.join('\u0000')), inputs: reply.failing.length };
}
