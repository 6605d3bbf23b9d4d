/**
 * Unhandled async tests (paper §5.4): a test that starts asynchronous work without waiting for it
 * passes before its assertions run, and their failures land elsewhere (node:test's "asynchronous
 * activity after the test ended", jest's "Cannot log after tests are done") or nowhere. Candidates:
 * `return` the promise, `async`/`await` it, or make a `done` callback hear about the end and
 * about errors. Each is verified: one that makes the test wait and still pass is the fix; one that
 * makes it wait and then fail has found the failure the test was hiding (see index.ts).
 */
import { walk, withTree, type Node } from '../../analysis/treeSitter';
import type { Candidate, Failure, TextEdit } from '../../model';
import { testEditCandidate } from './candidate';
import { allTestCalls, asAssertion, assertionsIn, FUNCTION_NODES, findTestCall, indentOf, testCallAt, testCallback, testName } from '../../analysis/testAst';

/** `Test "name" at file:line:col generated asynchronous activity` (node:test) → where that test is. */
export function lateActivityTests(output: string): Array<{ name: string; file: string; line: number }> {
  const out: Array<{ name: string; file: string; line: number }> = [];
  for (const m of output.matchAll(/Test "((?:[^"\\]|\\.)*)" at (.+?):(\d+):\d+ generated asynchronous activity after the test ended/g))
    out.push({ name: m[1], file: m[2], line: Number(m[3]) });
  return out;
}

/** Names of functions declared `async` in these sources: calls to them return promises. */
export function asyncNames(sources: string[]): Set<string> {
  const names = new Set<string>();
  for (const text of sources) {
    for (const m of text.matchAll(/\basync\s+(?:function\s*\*?\s*)?([A-Za-z_$][\w$]*)\s*\(|([A-Za-z_$][\w$]*)\s*[:=]\s*async\b/g)) names.add(m[1] ?? m[2]);
  }
  names.delete('function');
  return names;
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
/** node:assert's assertions on promises return a promise: not awaited, they check after the test ended. */
const PROMISE_ASSERTS = new Set(['rejects', 'doesNotReject']);

/** `assert.rejects(...)`, `t.assert.doesNotReject(...)`, `expect(p).resolves.toBe(...)`, `expect(p).rejects.toThrow()`. */
function isPromiseAssertion(expr: Node): boolean {
  const a = asAssertion(expr);
  if (!a) return false;
  return a.style === 'assert' ? PROMISE_ASSERTS.has(a.matcher) : /^(?:resolves|rejects)\./.test(a.matcher);
}

/** True when the expression evaluates to a promise as far as syntax shows: a `.then` chain, `new Promise`, a promise assertion, or a call to a known async function. */
function isPromise(expr: Node, asyncFns: Set<string>): boolean {
  if (expr.type === 'new_expression') return expr.childForFieldName('constructor')?.text === 'Promise';
  if (expr.type !== 'call_expression') return false;
  if (isPromiseAssertion(expr)) return true;
  const fn = expr.childForFieldName('function');
  if (fn?.type === 'member_expression') {
    const property = fn.childForFieldName('property')?.text ?? '';
    if (PROMISE_METHODS.has(property)) return true;
    return asyncFns.has(property);
  }
  return fn?.type === 'identifier' && asyncFns.has(fn.text);
}

function floatingPromises(body: Node, asyncFns: Set<string>): Node[] {
  return body.namedChildren.filter((s): s is Node => s?.type === 'expression_statement' && !!s.namedChildren[0] && isPromise(s.namedChildren[0], asyncFns));
}

function candidatesForTest(file: string, text: string, call: Node, runner: Failure['runner'], asyncFns: Set<string>): Candidate[] {
  const fn = testCallback(call);
  const body = fn?.childForFieldName('body');
  if (!fn || !body || body.type !== 'statement_block') return [];
  const name = testName(call) ?? 'the test';
  const params = fn.childForFieldName('parameters');
  const paramList = params?.namedChildren.filter((p): p is Node => !!p) ?? (fn.childForFieldName('parameter') ? [fn.childForFieldName('parameter')!] : []);
  const done = runner === 'node' ? paramList[1] : paramList[0];
  const isAsync = fn.children.some((c) => c?.type === 'async');
  const floating = floatingPromises(body, asyncFns);
  const out: Candidate[] = [];
  if (!done && floating.length > 0) {
    const last = body.namedChildren[body.namedChildren.length - 1];
    if (floating.length === 1 && last && floating[0].id === last.id && !isAsync) {
      out.push(
        testEditCandidate(file, 'return-promise', `Return the promise from "${name}", so the test waits for it`, 1, [
          { start: last.startIndex, end: last.startIndex, newText: 'return ' },
        ]),
      );
    }
    const edits: Array<Omit<TextEdit, 'file'>> = floating.map((s) => ({ start: s.startIndex, end: s.startIndex, newText: 'await ' }));
    if (!isAsync) edits.push({ start: fn.startIndex, end: fn.startIndex, newText: 'async ' });
    out.push(
      testEditCandidate(
        file,
        'await-promise',
        `Await the ${floating.length === 1 ? 'promise' : `${floating.length} promises`} in "${name}"${isAsync ? '' : ' (and make it async)'}`,
        2,
        edits,
      ),
    );
  }
  if (done?.type === 'identifier') {
    const d = done.text;
    const usesDone = (n: Node): boolean => [...walk(n)].some((x) => x.type === 'identifier' && x.text === d);
    const chain = [...floating].reverse().find((s) => s.namedChildren[0]?.type === 'call_expression');
    if (chain && !usesDone(chain)) {
      out.push(
        testEditCandidate(file, 'done-on-settle', `Call ${d}() when the promise in "${name}" settles, and pass its error to ${d}`, 1, [
          { start: chain.namedChildren[0]!.endIndex, end: chain.namedChildren[0]!.endIndex, newText: `.then(() => ${d}(), ${d})` },
        ]),
      );
    } else if (chain && !/\.catch\(/.test(chain.text)) {
      // done is called on success only: a failing assertion inside throws into the promise and done never hears of it.
      out.push(
        testEditCandidate(file, 'done-on-error', `Pass errors in "${name}" to ${d}, so a failing assertion fails the test instead of timing it out`, 1, [
          { start: chain.namedChildren[0]!.endIndex, end: chain.namedChildren[0]!.endIndex, newText: `.catch(${d})` },
        ]),
      );
    }
    if (!usesDone(body)) {
      // done is never called: call it after the last assertion, inside the callback that runs it.
      const last = assertionsIn(body).pop();
      let holder: Node | null = last?.node ?? null;
      while (holder && !(FUNCTION_NODES.has(holder.type) && holder.id !== fn.id)) holder = holder.id === fn.id ? null : holder.parent;
      const block = holder?.childForFieldName('body')?.type === 'statement_block' ? holder.childForFieldName('body')! : body;
      const lastStatement = block.namedChildren[block.namedChildren.length - 1];
      const at = lastStatement?.endIndex ?? block.startIndex + 1;
      const inner = lastStatement ? indentOf(text, lastStatement.startIndex) : `${indentOf(text, block.startIndex)}  `;
      out.push(
        testEditCandidate(file, 'call-done', `Call ${d}() at the end of "${name}"${block.id === body.id ? '' : "'s callback"}`, 2, [
          { start: at, end: at, newText: `\n${inner}${d}();` },
        ]),
      );
    }
  }
  return out;
}

/** Candidates for the async tests behind `failures`: the tests the output names, the failing tests, or every test in their files. */
export async function asyncCandidates(
  root: string,
  failures: Failure[],
  output: string,
  readText: (rel: string) => Promise<string | undefined>,
  importedSources: string[],
): Promise<Candidate[]> {
  const late = lateActivityTests(output).map((l) => ({ ...l, file: l.file.startsWith(`${root}/`) ? l.file.slice(root.length + 1) : l.file }));
  const out: Candidate[] = [];
  const files = new Set([...late.map((l) => l.file), ...failures.map((f) => f.file).filter((f): f is string => !!f)]);
  for (const file of files) {
    const text = await readText(file);
    if (!text) continue;
    const asyncFns = asyncNames([text, ...importedSources]);
    const runner = failures.find((f) => f.file === file)?.runner ?? 'node';
    const made = await withTree(file, text, (tree) => {
      const top = tree.rootNode;
      let calls = late
        .filter((l) => l.file === file)
        .map((l) => testCallAt(top, l.line - 1))
        .filter((c): c is Node => !!c);
      if (calls.length === 0)
        calls = failures
          .filter((f) => f.file === file)
          .map((f) => findTestCall(top, f.id))
          .filter((c): c is Node => !!c);
      if (calls.length === 0) calls = allTestCalls(top);
      const seen = new Set<number>();
      return calls.filter((c) => !seen.has(c.id) && seen.add(c.id)).flatMap((c) => candidatesForTest(file, text, c, runner, asyncFns));
    });
    out.push(...(made ?? []));
  }
  return out.sort((a, b) => a.cost - b.cost);
}
