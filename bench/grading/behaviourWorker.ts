/**
 * Child process of the grader (see grade.ts): records the arguments a test driver passes to the
 * reference implementation, then runs reference and candidate on those arguments and on their
 * neighbours, and reports where they differ. Each implementation lives in its own vm context and
 * every call has a timeout, so a looping candidate costs one timeout, not the run.
 * Protocol: one JSON request on stdin (BehaviourRequest), one JSON reply on stdout.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Implementation, record } from './behaviour';
import { inputsFrom, sameValue, type Encoded } from './values';

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
