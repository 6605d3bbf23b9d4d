/**
 * Running a module's functions in their own vm realm (a timeout on every call, arguments rebuilt
 * inside the realm), and recording the calls a test driver makes: shared by the grader's child
 * process (behaviourWorker.ts) and by the fitting of the engine's priors (bench/cv/fit.ts).
 */
import assert from 'node:assert';
import * as vm from 'node:vm';
import type { BehaviourRequest } from './behaviourWorker';
import { DECODE_SOURCE, encode, type Encoded } from './values';

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

export class Implementation {
  readonly context: vm.Context;
  readonly exports: Record<string, unknown>;

  constructor(
    source: string,
    private readonly timeoutMs: number,
    realRequire: NodeJS.Require,
  ) {
    this.context = vm.createContext({ console: quietConsole });
    this.context.__decode = vm.runInContext(DECODE_SOURCE, this.context);
    this.context.__wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, this.context, {
      filename: 'module.js',
    });
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
export function record(
  request: Pick<BehaviourRequest, 'reference' | 'entries' | 'driver' | 'callTimeoutMs' | 'budgetMs'>,
  realRequire: NodeJS.Require,
): Map<string, Encoded[][]> {
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
