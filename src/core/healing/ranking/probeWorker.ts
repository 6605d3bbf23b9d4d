/**
 * The probe worker: a short-lived Node process, forked in the sandbox, that loads each variant of
 * one CommonJS source file (the original first, then each verified fix) and calls the functions
 * the tests call on probe inputs, recording what each returns or throws. It never writes a file:
 * variants are compiled from text. A variant that cannot load here (ES modules, TypeScript) ends
 * the run with a reason, and the ranking says "behaviour not measured".
 *
 * Protocol (process.send): in ProbeRequest, out ProbeReply; then the process exits.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { inspect } from 'node:util';
import * as vm from 'node:vm';
import { atBoundaries, codeNumbers, elementNeighbours, neighbours, type Probe } from './probes';

export interface ProbeRequest {
  /** Absolute path of the source file the variants are versions of. */
  target: string;
  variants: string[];
  probes: Probe[];
  /** Per call: a variant that loops is cut off and recorded as hanging. */
  callMs: number;
  maxInputs: number;
}

/**
 * `failing`: the input is a failing test's own call. `boundary`: it was made from the code's own
 * numbers; it tells equivalent fixes from different ones, but does not count in the ranking.
 */
export type ProbeReply = { ok: true; failing: boolean[]; boundary: boolean[]; outputs: string[][] } | { ok: false; reason: string };

type Fn = (...args: unknown[]) => unknown;
interface Input {
  fn: string;
  args: unknown[];
  failing: boolean;
  boundary?: boolean;
}

function load(target: string, text: string): unknown {
  // Node may load ES module syntax through require() from the file on disk, not from `text`: every
  // variant would then be the original. Refused here, so the result is "not measured", never wrong.
  if (/^\s*(import|export)\s/m.test(text)) throw new Error('ES module syntax');
  const m = new Module(target, module) as Module & { _compile(code: string, file: string): void };
  m.filename = target;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(target));
  m._compile(text, target);
  return m.exports;
}

function resolve(exports: unknown, name: string): Fn | undefined {
  if (typeof exports === 'function' && (exports as Fn).name === name) return exports as Fn;
  const value = exports && typeof exports === 'object' ? (exports as Record<string, unknown>)[name] : undefined;
  return typeof value === 'function' ? (value as Fn) : undefined;
}

/** The tests' literal calls that reach this module's functions, then their neighbours, the code's own boundaries, and neighbours inside arrays, without repeats. */
function inputsOf(exports: unknown, probes: Probe[], max: number, numbers: number[] = []): Input[] {
  const seen = new Set<string>();
  const out: Input[] = [];
  const add = (input: Input): void => {
    const key = `${input.fn}(${inspect(input.args, { depth: 6 })})`;
    if (seen.has(key) || out.length >= max) return;
    seen.add(key);
    out.push(input);
  };
  const base: Input[] = [];
  for (const probe of probes) {
    if (!resolve(exports, probe.fn)) continue;
    try {
      base.push({ fn: probe.fn, args: vm.runInNewContext(`[${probe.args}]`, {}, { timeout: 50 }) as unknown[], failing: probe.failing });
    } catch {
      // not a literal after all; left out
    }
  }
  base.forEach(add);
  for (const input of base) for (const args of neighbours(input.args)) add({ fn: input.fn, args, failing: false });
  for (const input of base) for (const args of atBoundaries(input.args, numbers)) add({ fn: input.fn, args, failing: false, boundary: true });
  // Last, so they only fill the room the others leave.
  for (const input of base) for (const args of elementNeighbours(input.args)) add({ fn: input.fn, args, failing: false });
  return out;
}

/** What a call that ran past its time is recorded as. */
const HANGS = 'hangs';

async function outcome(fn: Fn, args: unknown[], callMs: number): Promise<string> {
  try {
    const context = vm.createContext({ fn, args: structuredClone(args) });
    let value = vm.runInContext('fn(...args)', context, { timeout: callMs });
    if (value && typeof (value as Promise<unknown>).then === 'function') {
      value = await Promise.race([value, new Promise((resolve) => setTimeout(() => resolve('<pending>'), callMs).unref())]);
    }
    return inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 100, maxStringLength: 400 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return HANGS;
    return `throws ${error instanceof Error ? error.name : typeof error}`;
  }
}

export async function probe(request: ProbeRequest): Promise<ProbeReply> {
  let original: unknown;
  try {
    original = load(request.target, request.variants[0]);
  } catch (error) {
    return { ok: false, reason: `the code does not load as CommonJS here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  const inputs = inputsOf(original, request.probes, request.maxInputs, codeNumbers(request.variants[0]));
  if (inputs.length === 0) return { ok: false, reason: 'the tests call no function of this file with literal arguments' };
  const outputs: string[][] = [];
  for (const text of request.variants) {
    let exports: unknown;
    try {
      exports = outputs.length === 0 ? original : load(request.target, text);
    } catch {
      outputs.push(inputs.map(() => 'does not load'));
      continue;
    }
    const row: string[] = [];
    for (const input of inputs) {
      const fn = resolve(exports, input.fn);
      // A variant that hung once (a loop mutant) is not waited for again: the probes have a budget.
      row.push(row.includes(HANGS) ? HANGS : fn ? await outcome(fn, input.args, request.callMs) : 'missing');
    }
    outputs.push(row);
  }
  return { ok: true, failing: inputs.map((i) => i.failing), boundary: inputs.map((i) => !!i.boundary), outputs };
}

if (require.main === module && process.send) {
  const exit = process.exit.bind(process);
  for (const key of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const)
    (console as unknown as Record<string, unknown>)[key] = () => undefined;
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ''}) called by the code under test`);
  }) as typeof process.exit;
  process.on('unhandledRejection', () => undefined);
  process.once('message', (request: ProbeRequest) => {
    void probe(request).then((reply) => process.send!(reply, () => process.disconnect()));
  });
  process.on('disconnect', () => exit(0));
}
