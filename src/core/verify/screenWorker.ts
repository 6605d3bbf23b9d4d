/**
 * The screen worker: a long-lived Node process (one per heal session) that runs CommonJS
 * node:test / mocha-style test files in-process, fresh module cache each time, so that screening
 * a candidate costs milliseconds instead of a runner start-up. It is only a screen: a candidate it
 * passes is then verified by the real test command. Anything it cannot run faithfully (ESM,
 * TypeScript, jest/vitest APIs) is reported as unsupported and the verifier runs the real command.
 *
 * Protocol (process.send): out `{ ready: true }` once, when it can take files; then in
 * `{ files: string[] (absolute), timeoutMs }`, out `{ ok: true, tests: ScreenTest[] } |
 * { ok: false, unsupported: string }`. The tests run in a worker thread; the process's main
 * thread only relays (see the end of this file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

export interface ScreenTest {
  id: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Assertions that passed before the test ended: partial fitness for the search. */
  assertions: number;
  message?: string;
}

interface Registered {
  names: string[];
  file: string;
  fn?: (...args: unknown[]) => unknown;
  skip: boolean;
  hooks: Hooks;
  /** mocha passes `done` as the first argument; node:test passes a context and `done` second. */
  mochaStyle: boolean;
}

interface Hooks {
  before: Array<() => unknown>;
  after: Array<() => unknown>;
  beforeEach: Array<() => unknown>;
  afterEach: Array<() => unknown>;
}

class Unsupported extends Error {}

const cwd = process.cwd();
let registered: Registered[] = [];
let suiteStack: string[] = [];
let hookStack: Hooks[] = [];
let currentFile = '';
let assertionCount = 0;

function newHooks(): Hooks {
  return { before: [], after: [], beforeEach: [], afterEach: [] };
}

function parseArgs(args: unknown[]): { name: string; options: Record<string, unknown>; fn?: (...a: unknown[]) => unknown } {
  let name = '<anonymous>';
  let options: Record<string, unknown> = {};
  let fn: ((...a: unknown[]) => unknown) | undefined;
  for (const a of args) {
    if (typeof a === 'string') name = a;
    else if (typeof a === 'function') fn = a as (...x: unknown[]) => unknown;
    else if (a && typeof a === 'object') options = a as Record<string, unknown>;
  }
  if (fn && name === '<anonymous>' && fn.name) name = fn.name;
  return { name, options, fn };
}

function register(args: unknown[], skip: boolean, mochaStyle: boolean): void {
  const { name, options, fn } = parseArgs(args);
  registered.push({
    names: [...suiteStack, name],
    file: currentFile,
    fn,
    skip: skip || !!options.skip || !!options.todo || !fn,
    hooks: hookStack[hookStack.length - 1],
    mochaStyle,
  });
}

function describe(...args: unknown[]): void {
  const { name, options, fn } = parseArgs(args);
  if (options.skip || !fn) return;
  suiteStack.push(name);
  hookStack.push(newHooks());
  try {
    const result = fn();
    if (result && typeof (result as Promise<unknown>).then === 'function') throw new Unsupported('asynchronous describe()');
  } finally {
    suiteStack.pop();
    hookStack.pop();
  }
}

/** node:test's export is the `test` function itself, carrying the rest as properties. */
function testApi(mochaStyle = false): (...args: unknown[]) => void {
  const test = (...args: unknown[]): void => register(args, false, mochaStyle);
  const skip = (...args: unknown[]): void => register(args, true, mochaStyle);
  const describeFn = Object.assign((...args: unknown[]) => describe(...args), { skip: () => undefined, only: describe, todo: () => undefined });
  const hook = (kind: keyof Hooks) => (fn: () => unknown) => hookStack[hookStack.length - 1][kind].push(fn);
  return Object.assign(test, {
    skip,
    todo: skip,
    only: test,
    test,
    it: test,
    specify: test,
    describe: describeFn,
    suite: describeFn,
    context: describeFn,
    before: hook('before'),
    after: hook('after'),
    beforeEach: hook('beforeEach'),
    afterEach: hook('afterEach'),
  });
}

function countingAssert(real: Record<string, unknown> & ((...a: unknown[]) => unknown)): unknown {
  const wrap = (fn: (...a: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const result = fn.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') return (result as Promise<unknown>).then((v) => (assertionCount++, v));
      assertionCount++;
      return result;
    };
  const proxy = wrap(real) as unknown as Record<string, unknown>;
  for (const key of Object.keys(real)) {
    const value = real[key];
    proxy[key] = typeof value === 'function' && /^[a-z]/.test(key) ? wrap(value as (...a: unknown[]) => unknown) : value;
  }
  return proxy;
}

const ASSERT_IDS = new Set(['assert', 'node:assert', 'assert/strict', 'node:assert/strict']);
const TEST_IDS = new Set(['node:test', 'test']);
const UNSUPPORTED_IDS = new Set(['@jest/globals', 'vitest', 'jest', 'node:test/reporters']);
const realRequire = Module.prototype.require;
const assertCache = new Map<string, unknown>();

function installHooks(): void {
  Module.prototype.require = function (this: NodeJS.Module, id: string) {
    if (TEST_IDS.has(id)) return testApi();
    if (UNSUPPORTED_IDS.has(id)) throw new Unsupported(`test file uses ${id}`);
    if (ASSERT_IDS.has(id)) {
      if (!assertCache.has(id)) assertCache.set(id, countingAssert(realRequire.call(this, id) as never));
      return assertCache.get(id);
    }
    return realRequire.call(this, id);
  } as typeof Module.prototype.require;
}

function clearProjectModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (!key.includes(`${path.sep}node_modules${path.sep}`) && key !== __filename) delete require.cache[key];
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

async function callTestFn(fn: (...a: unknown[]) => unknown, mochaStyle: boolean, timeoutMs: number): Promise<void> {
  const context = {
    name: '',
    diagnostic() {},
    plan() {},
    skip() {},
    todo() {},
    test: () => {
      throw new Unsupported('subtests (t.test)');
    },
    mock: undefined,
    signal: new AbortController().signal,
    assert: realRequire.call(module, 'node:assert'),
  };
  const wantsDone = mochaStyle ? fn.length >= 1 : fn.length >= 2;
  if (wantsDone) {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const done = (e?: unknown): void => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve());
        if (mochaStyle) fn(done);
        else fn(context, done);
      }),
      timeoutMs,
    );
    return;
  }
  await withTimeout(
    Promise.resolve().then(() => (mochaStyle ? fn() : fn(context))),
    timeoutMs,
  );
}

async function runFiles(files: string[], timeoutMs: number): Promise<ScreenTest[]> {
  registered = [];
  suiteStack = [];
  hookStack = [newHooks()];
  const moduleHooks = hookStack[0];
  clearProjectModules();
  // mocha's BDD interface lives in globals; node:test files import theirs, so this is harmless there.
  const mochaApi = testApi(true) as unknown as Record<string, unknown>;
  for (const key of ['describe', 'context', 'suite', 'it', 'specify', 'test', 'before', 'after', 'beforeEach', 'afterEach'])
    (globalThis as Record<string, unknown>)[key] = mochaApi[key];
  for (const file of files) {
    if (/\.(mjs|mts|ts|tsx|jsx)$/.test(file)) throw new Unsupported(`${path.extname(file)} test files`);
    const text = fs.readFileSync(file, 'utf8');
    if (/^\s*import\s|^\s*export\s/m.test(text)) throw new Unsupported('ES module syntax');
    if (/\bjest\.|\bvi\.|expect\(/.test(text)) throw new Unsupported('jest/vitest-style expectations');
    currentFile = path.relative(cwd, file).split(path.sep).join('/');
    require(file);
  }
  const results: ScreenTest[] = [];
  const ran = new Set<Hooks>();
  for (const hook of moduleHooks.before) await hook();
  for (const t of registered) {
    const id = [t.file, ...t.names].join(' > ');
    if (t.skip || !t.fn) {
      results.push({ id, status: 'skipped', assertions: 0 });
      continue;
    }
    if (!ran.has(t.hooks)) {
      ran.add(t.hooks);
      for (const hook of t.hooks.before) await hook();
    }
    assertionCount = 0;
    try {
      for (const hook of [...moduleHooks.beforeEach, ...(t.hooks === moduleHooks ? [] : t.hooks.beforeEach)]) await hook();
      await callTestFn(t.fn, t.mochaStyle, timeoutMs);
      for (const hook of [...moduleHooks.afterEach, ...(t.hooks === moduleHooks ? [] : t.hooks.afterEach)]) await hook();
      results.push({ id, status: 'passed', assertions: assertionCount });
    } catch (error) {
      if (error instanceof Unsupported) throw error;
      results.push({ id, status: 'failed', assertions: assertionCount, message: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  return results;
}

function silenceConsole(): void {
  for (const key of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const)
    (console as unknown as Record<string, unknown>)[key] = () => undefined;
}

type ScreenReply = { ok: true; tests: ScreenTest[]; loadError?: string } | { ok: false; unsupported: string } | { ready: true };

if (!isMainThread && parentPort) {
  // The thread that runs the code under test.
  const port = parentPort;
  installHooks();
  silenceConsole();
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ''}) called by the code under test`);
  }) as typeof process.exit;
  process.on('unhandledRejection', () => undefined);
  port.on('message', (message: { files: string[]; timeoutMs: number }) => {
    runFiles(message.files, message.timeoutMs).then(
      (tests) => port.postMessage({ ok: true, tests } satisfies ScreenReply),
      (error: unknown) =>
        port.postMessage(
          (error instanceof Unsupported
            ? { ok: false, unsupported: error.message }
            : { ok: true, tests: [], loadError: error instanceof Error ? error.message : String(error) }) satisfies ScreenReply,
        ),
    );
  });
  port.postMessage({ ready: true } satisfies ScreenReply);
} else if (require.main === module && process.send) {
  // The main thread only relays. It stays responsive while a mutant loops forever in the test
  // thread, so when the heal that started it dies (even by kill -9) the IPC channel closes and
  // this process leaves instead of spinning on as an orphan.
  const thread = new Worker(__filename);
  thread.on('message', (reply: ScreenReply) => process.send!(reply));
  thread.on('exit', () => process.exit(1));
  process.on('message', (message) => thread.postMessage(message));
  process.on('disconnect', () => process.exit(0));
}
