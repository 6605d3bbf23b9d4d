/**
 * Child process of the grader (see grade.ts): records the arguments a test driver passes to the
 * reference implementation, then runs reference and candidate on those arguments and on their
 * neighbours, and reports where they differ. Each implementation lives in its own vm context and
 * every call has a timeout, so a looping candidate costs one timeout, not the run.
 * Protocol: one JSON request on stdin (BehaviourRequest), one JSON reply on stdout.
 */
import assert from 'node:assert';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { DECODE_SOURCE, encode, inputsFrom, sameValue, type Encoded } from './values';

export interface BehaviourRequest {
  /** Module text (CommonJS) of the reference and of the candidate. */
  reference: string;
  candidate: string;
  /** Exported functions to compare. */
  entries: string[];
  /** Script that calls the functions: the task's test (functions as globals) or a node:test file (via require of a relative path). */
  driver: string;
  /** Folder whose node_modules serve bare `require`s (e.g. js-md5). */
  requireFrom: string;
  callTimeoutMs: number;
  budgetMs: number;
  /** Most argument lists evaluated per function: recorded and one step away, then two steps away. */
  cap: number;
  deepCap: number;
}

export interface Mismatch {
  entry: string;
  args: Encoded[];
  expected: Encoded;
  actual: Encoded | { error: string };
}

export interface BehaviourReply {
  recorded: number;
  compared: number;
  skipped: number;
  mismatches: number;
  truncated: boolean;
  firstMismatch?: Mismatch;
  error?: string;
}

const noop = (): void => undefined;
const quietConsole = { log: noop, error: noop, warn: noop, info: noop, debug: noop, assert: noop, table: noop, dir: noop };

/** node:test stand-in that runs each test body at once, so recording needs no event loop. */
function syncTestApi(): unknown {
  const run = (_name: unknown, options: unknown, fn?: unknown): void => {
    const body = typeof options === 'function' ? options : fn;
    try {
      if (typeof body === 'function') (body as (t: unknown) => unknown)({ skip: noop, todo: noop, diagnostic: noop });
    } catch {
      // An assertion of the driver failing does not stop the recording of later calls.
    }
  };
  return Object.assign(run, { test: run, it: run, describe: run, suite: run, before: noop, after: noop, beforeEach: noop, afterEach: noop });
}

class Implementation {
  readonly context: vm.Context;
  readonly exports: Record<string, unknown>;

  constructor(source: string, private readonly timeoutMs: number, realRequire: NodeJS.Require) {
    this.context = vm.createContext({ console: quietConsole });
    this.context.__decode = vm.runInContext(DECODE_SOURCE, this.context);
    this.context.__wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, this.context, { filename: 'module.js' });
    this.context.__module = vm.runInContext('({ exports: {} })', this.context);
    this.context.__require = realRequire;
    vm.runInContext('__wrapper.call(__module.exports, __module.exports, __require, __module, "module.js", ".")', this.context, { timeout: timeoutMs * 4 });
    this.exports = (this.context.__module as { exports: Record<string, unknown> }).exports;
  }

  call(entry: string, args: Encoded[]): { value: Encoded } | { error: string } {
    this.context.__f = this.exports[entry];
    this.context.__args = JSON.stringify(args);
    try {
      vm.runInContext('__result = __f(...__decode(JSON.parse(__args)))', this.context, { timeout: this.timeoutMs });
      return { value: encode(this.context.__result) };
    } catch (error) {
      return { error: String((error as Error)?.message ?? error).slice(0, 200) };
    }
  }
}

/** Run the driver against the reference, recording each top-level call's arguments. */
function record(request: BehaviourRequest, realRequire: NodeJS.Require): Map<string, Encoded[][]> {
  const reference = new Implementation(request.reference, request.callTimeoutMs, realRequire);
  const calls = new Map<string, Encoded[][]>(request.entries.map((e) => [e, []]));
  const spied: Record<string, unknown> = { ...reference.exports };
  for (const entry of request.entries) {
    const fn = reference.exports[entry] as (...a: unknown[]) => unknown;
    spied[entry] = (...args: unknown[]): unknown => {
      const list = calls.get(entry);
      if (list && list.length < 1000) list.push(args.map((a) => encode(a)));
      return fn(...args);
    };
  }
  const driverRequire = (specifier: string): unknown => {
    if (specifier.startsWith('.')) return spied;
    if (specifier === 'node:test' || specifier === 'test') return syncTestApi();
    if (specifier === 'node:assert' || specifier === 'assert' || specifier === 'node:assert/strict') return assert;
    return realRequire(specifier);
  };
  const driver = vm.createContext({ console: quietConsole, require: driverRequire, module: { exports: {} }, ...spied });
  try {
    vm.runInContext(request.driver, driver, { timeout: request.budgetMs, filename: 'driver.js' });
  } catch {
    // A throwing driver still leaves the calls it made before.
  }
  return calls;
}

function compare(request: BehaviourRequest): BehaviourReply {
  const started = Date.now();
  const realRequire = createRequire(path.join(request.requireFrom, 'index.js'));
  const recorded = record(request, realRequire);
  const reference = new Implementation(request.reference, request.callTimeoutMs, realRequire);
  const reply: BehaviourReply = { recorded: 0, compared: 0, skipped: 0, mismatches: 0, truncated: false };
  let candidate: Implementation;
  try {
    candidate = new Implementation(request.candidate, request.callTimeoutMs, realRequire);
  } catch (error) {
    return { ...reply, mismatches: 1, error: `candidate does not load: ${(error as Error).message}` };
  }
  for (const [entry, calls] of recorded) {
    reply.recorded += calls.length;
    for (const args of inputsFrom(calls, request.cap, request.deepCap)) {
      if (Date.now() - started > request.budgetMs) {
        reply.truncated = true;
        return reply;
      }
      const expected = reference.call(entry, args);
      // Inputs outside the reference's domain (it throws or loops) say nothing about the candidate.
      if (!('value' in expected)) {
        reply.skipped++;
        continue;
      }
      const actual = candidate.call(entry, args);
      reply.compared++;
      if ('value' in actual && sameValue(expected.value, actual.value)) continue;
      reply.mismatches++;
      reply.firstMismatch ??= { entry, args, expected: expected.value, actual: 'value' in actual ? actual.value : actual };
    }
  }
  return reply;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => (input += chunk));
process.stdin.on('end', () => {
  let reply: BehaviourReply;
  try {
    reply = compare(JSON.parse(input) as BehaviourRequest);
  } catch (error) {
    reply = { recorded: 0, compared: 0, skipped: 0, mismatches: 0, truncated: false, error: (error as Error).stack ?? String(error) };
  }
  process.stdout.write(JSON.stringify(reply), () => process.exit(0));
});
