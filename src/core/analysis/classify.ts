/**
 * Failure classification (paper §4.2): which kind of problem a failure is, with the evidence that
 * says so. The class decides which engine may act: code engines for code bugs, test healing for
 * test problems, nothing automatic for infrastructure.
 */
import type { Failure, FailureClass } from '../model';

export interface Classification {
  class: FailureClass;
  evidence: string[];
}

const RULES: Array<{ class: FailureClass; test: RegExp; why: string }> = [
  { class: 'syntax-error', test: /SyntaxError|Unexpected token|Missing initializer|has already been declared|Unexpected end of input|Invalid or unexpected token/, why: 'the output reports a syntax error' },
  { class: 'infrastructure', test: /Cannot find (module|package) '(?!\.)[^']+'|ERR_MODULE_NOT_FOUND.*'(?!\.)|EADDRINUSE|command not found|ENOENT.*spawn/, why: 'the failure comes from the environment (missing package, port in use, missing program)' },
  { class: 'outdated-snapshot', test: /toMatchSnapshot|toMatchInlineSnapshot|Snapshot .* mismatched|snapshot/i, why: 'a snapshot assertion failed' },
  { class: 'async-test', test: /done\(\) (?:never called|was not called)|Promise resolution is still pending|asynchronous activity after the test ended|Timeout of \d+ms exceeded.*done|Cannot log after tests are done/, why: 'the test does not wait for its asynchronous work' },
];

/** Two numbers that differ only in the last bits: the assertion, not the code, is wrong. */
function floatNoise(f: Failure): boolean {
  const e = Number(f.expected);
  const a = Number(f.actual);
  if (f.expected === undefined || f.actual === undefined || !Number.isFinite(e) || !Number.isFinite(a) || e === a) return false;
  return Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(e));
}

/**
 * `output` is the run's text: some runners put the cause beside the failure rather than in it
 * (node:test reports "asynchronous activity after the test ended" as a comment, and fails the file).
 */
export function classify(failures: Failure[], output = ''): Classification {
  const evidence: string[] = [];
  const noisy = failures.find(floatNoise);
  if (noisy) {
    return { class: 'brittle-assertion', evidence: [`exact comparison of floating-point numbers: expected ${noisy.expected}, got ${noisy.actual} (a rounding difference)`] };
  }
  for (const rule of RULES) {
    const hit = failures.find((f) => rule.test.test(f.message))?.message ?? output.split('\n').find((line) => rule.test.test(line));
    if (hit) {
      evidence.push(`${rule.why}: ${hit.replace(/^#\s*/, '').split('\n')[0].slice(0, 200)}`);
      return { class: rule.class, evidence };
    }
  }
  const first = failures[0];
  if (first) {
    evidence.push(first.expected !== undefined ? `assertion failed: expected ${first.expected}, got ${first.actual ?? '?'}` : `failed with: ${first.message.split('\n')[0].slice(0, 160)}`);
  }
  return { class: 'code-bug', evidence };
}
