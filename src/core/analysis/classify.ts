/**
 * Failure classification (paper §4.2): which kind of problem a failure is, with the evidence that
 * says so. The class decides which engine may act: code engines for code bugs, test healing for
 * test problems (snapshots, brittle assertions, async tests, flaky tests), nothing automatic for
 * infrastructure. Every rule names what it saw, so the user can check the "why".
 */
import * as path from 'node:path';
import type { Failure, FailureClass } from '../model';
import type { RerunResult } from '../verify/search';
import { importSpecifiers, resolveImport } from './localize';

export interface Classification {
  class: FailureClass;
  evidence: string[];
}

export interface ClassifyContext {
  /** Failure id → reruns of the baseline. */
  reruns?: Map<string, RerunResult>;
  /** Workspace-relative file → text, for the failing tests' files and the modules they import. */
  sources?: Record<string, string>;
  /** The time the failing run read (default: now), to recognise "today" in an actual value. */
  now?: Date;
}

type Rule = { class: FailureClass; test: RegExp; why: string; inOutput?: boolean };

// Rules read the failure messages; `inOutput` rules also read the run's other lines, for causes a
// runner prints beside a failure (node:test reports late async errors as comments). Snapshot
// rules never read the output: jest prints "Snapshots: 0 total" on every run. A test that runs
// out of time is left to healing/infra (it raises the limit, verified) and, if that does not
// help, to the code engines: it hangs.
const RULES: Rule[] = [
  {
    class: 'syntax-error',
    test: /SyntaxError|Unexpected token|Missing initializer|has already been declared|Unexpected end of input|Invalid or unexpected token/,
    why: 'the output reports a syntax error',
  },
  {
    class: 'infrastructure',
    test: /Cannot find (module|package) '(?!\.)[^']+'|ERR_MODULE_NOT_FOUND.*'(?!\.)/,
    why: 'a package the tests need is not installed',
    inOutput: true,
  },
  { class: 'infrastructure', test: /EADDRINUSE|address already in use/, why: 'a port the tests need is in use', inOutput: true },
  { class: 'infrastructure', test: /ECONNREFUSED|getaddrinfo ENOTFOUND/, why: 'a service the tests connect to is not reachable' },
  { class: 'infrastructure', test: /command not found|ENOENT.*spawn|spawn \S+ ENOENT/, why: 'a program the tests start is missing', inOutput: true },
  {
    class: 'infrastructure',
    test: /(?:environment variable|env(?:ironment)? var)\S*\s+\S*\s*(?:is )?(?:not set|missing|undefined|required)|missing (?:required )?env(?:ironment)? var|process\.env\.\w+ is (?:not set|undefined)/i,
    why: 'an environment variable the tests need is not set',
  },
  {
    class: 'outdated-snapshot',
    test: /toMatchSnapshot|toMatchInlineSnapshot|toMatchFileSnapshot|Snapshot name: |Snapshot `[^`]*` mismatched|snapshot (?:assertion|mismatch)|does not match (?:the )?snapshot/i,
    why: 'a snapshot assertion failed',
  },
  {
    class: 'async-test',
    test: /done\(\) (?:never called|was not called)|while waiting for `done\(\)`|ensure "done\(\)" is called|done\(\) called multiple times|Promise resolution is still pending|asynchronous activity after the test ended|Cannot log after tests are done|cannot both take a 'done' callback and return/,
    why: 'the test does not wait for its asynchronous work',
    inOutput: true,
  },
];

/** Numbers as the runners print them: `0.15`, `1e-7`, `-3`. */
const asNumber = (v: string | undefined): number | undefined => (v !== undefined && /^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : undefined);

/** Two numbers that differ only in the last bits: the assertion, not the code, is wrong. */
export function floatNoise(f: Pick<Failure, 'expected' | 'actual'>): boolean {
  const e = asNumber(f.expected);
  const a = asNumber(f.actual);
  // Integers that differ are not rounding (1795613186523 vs …526 are clock readings).
  if (e === undefined || a === undefined || e === a || (Number.isInteger(e) && Number.isInteger(a))) return false;
  return Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(e));
}

/** The elements of a printed flat array (`[1, 2]`, JSON or util.inspect), or undefined. */
export function arrayElements(text: string | undefined): string[] | undefined {
  const t = text?.trim();
  if (!t || !t.startsWith('[') || !t.endsWith(']')) return undefined;
  const body = t.slice(1, -1).trim();
  if (body === '') return [];
  if (/[[{]/.test(body)) return undefined; // nested values: compare them as printed, not here
  return body
    .split(',')
    .map((s) => s.trim().replace(/^'(.*)'$/, '"$1"'))
    .filter((s) => s !== '');
}

/** Same elements, different order. */
export function isPermutation(f: Pick<Failure, 'expected' | 'actual'>): boolean {
  const e = arrayElements(f.expected);
  const a = arrayElements(f.actual);
  if (!e || !a || e.length !== a.length || e.length < 2 || e.join() === a.join()) return false;
  return [...e].sort().join('\u0000') === [...a].sort().join('\u0000');
}

const ISO = /^\s*['"]?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?['"]?\s*$/;
/** Two readings of the clock a moment apart (ISO strings, or epoch milliseconds). */
export function clockSkew(f: Pick<Failure, 'expected' | 'actual'>): number | undefined {
  if (f.expected === undefined || f.actual === undefined) return undefined;
  const strip = (v: string): string => v.trim().replace(/^['"]|['"]$/g, '');
  let e: number | undefined;
  let a: number | undefined;
  if (ISO.test(f.expected) && ISO.test(f.actual)) {
    e = Date.parse(strip(f.expected));
    a = Date.parse(strip(f.actual));
  } else {
    const en = asNumber(f.expected);
    const an = asNumber(f.actual);
    // Epoch milliseconds between 2001 and 2286, both sides.
    if (en !== undefined && an !== undefined && [en, an].every((n) => Number.isInteger(n) && n > 1e12 && n < 1e13)) [e, a] = [en, an];
  }
  if (e === undefined || a === undefined || Number.isNaN(e) || Number.isNaN(a) || e === a) return undefined;
  const skew = Math.abs(e - a);
  return skew <= 60_000 ? skew : undefined;
}

/** `1,234.5` vs `1.234,5`, `1/2/2024` vs `2.1.2024`: the same value formatted for another locale. */
export function localeDifference(f: Pick<Failure, 'expected' | 'actual'>): boolean {
  if (f.expected === undefined || f.actual === undefined || f.expected === f.actual) return false;
  const digits = (v: string): string => v.replace(/\D/g, '');
  const shape = (v: string): string => v.replace(/\d+/g, '0');
  const sortedDigits = (v: string): string => (v.match(/\d+/g) ?? []).sort().join(' ');
  const numberLike = /\d[.,\u00a0\u202f ]\d/;
  if (!numberLike.test(f.expected) && !/\d[/.-]\d/.test(f.expected)) return false;
  return (digits(f.expected) === digits(f.actual) || sortedDigits(f.expected) === sortedDigits(f.actual)) && shape(f.expected) !== shape(f.actual);
}

/** Dates and times as code prints them: `2024-03-01`, `2024-03-01T09:30:00.000Z`, `2024-03-01 09:30`. */
const DATE_TIME = /\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?\b/g;
const DAY_MS = 86_400_000;

/** A printed date or time as an instant; a plain day is taken at UTC midnight. */
const instantOf = (text: string): number => (/^\d{4}-\d\d-\d\d$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text.replace(' ', 'T')));

export interface PinnedClock {
  /** The date or time the test expects, as written (`2024-03-01`), or epoch milliseconds. */
  pinned: string;
  /** What the code printed instead: the current date or time. */
  current: string;
}

/**
 * The expected value pins a date or time where the actual value holds the current one, and the
 * two are otherwise equal: `Sales — 2024-03-01` vs `Sales — <today>`. Such a test passed on one
 * day only; the code is right every day.
 */
export function pinnedClock(f: Pick<Failure, 'expected' | 'actual'>, now = new Date()): PinnedClock | undefined {
  if (f.expected === undefined || f.actual === undefined || f.expected === f.actual) return undefined;
  const isNow = (instant: number): boolean => Math.abs(instant - now.getTime()) <= 1.5 * DAY_MS; // "today" in any time zone
  const e = asNumber(f.expected);
  const a = asNumber(f.actual);
  if (e !== undefined && a !== undefined) {
    // Epoch milliseconds: a pinned instant more than a minute from a current one (closer is clockSkew).
    const epoch = (n: number): boolean => Number.isInteger(n) && n > 1e12 && n < 1e13;
    return epoch(e) && epoch(a) && isNow(a) && Math.abs(e - a) > 60_000 ? { pinned: String(e), current: String(a) } : undefined;
  }
  const expected = [...f.expected.matchAll(DATE_TIME)].map((m) => m[0]);
  const actual = [...f.actual.matchAll(DATE_TIME)].map((m) => m[0]);
  if (expected.length === 0 || expected.length !== actual.length) return undefined;
  if (f.expected.replace(DATE_TIME, '\u0000') !== f.actual.replace(DATE_TIME, '\u0000')) return undefined;
  const differing = expected.map((pinned, i) => ({ pinned, current: actual[i] })).filter((d) => d.pinned !== d.current);
  const ok = differing.length > 0 && differing.every((d) => !Number.isNaN(instantOf(d.pinned)) && isNow(instantOf(d.current)));
  return ok ? differing[0] : undefined;
}

const CLOCK_READ = /new Date\(\s*\)|Date\.now\(\s*\)/;
const FAKE_CLOCK = /mock\.timers\.enable|useFakeTimers|setSystemTime|sinon\.useFakeTimers/;

/** Why a pinned date is the test's fault, or undefined when the code may be to blame. */
function pinnedClockCause(f: Failure, context: ClassifyContext): string | undefined {
  const pinned = pinnedClock(f, context.now);
  if (!pinned) return undefined;
  const sources = Object.entries(context.sources ?? {});
  const testText = sources.find(([file]) => file === f.file)?.[1] ?? '';
  const clockReader = sources.find(([file, text]) => file !== f.file && CLOCK_READ.test(text));
  // The code must read the clock itself; a test that hands it that date (or fakes the clock
  // already) gets today back from a bug in the code, not from the clock.
  // (The day, or the epoch's leading digits: digits and dashes, nothing to escape.)
  const handsItOver = new RegExp(`(?:new Date|Date\\.parse)\\(\\s*['"\`]?${pinned.pinned.slice(0, 10)}`).test(testText);
  if (!clockReader || handsItOver || FAKE_CLOCK.test(testText)) return undefined;
  return `the expected value pins the date ${pinned.pinned}, the code printed the current one (${pinned.current}), and the code reads the clock (${CLOCK_READ.exec(clockReader[1])?.[0]} in ${clockReader[0]}): the test only passed on that day`;
}

const ORDER_MATTERS = /\bsort|\border|\brank|\bfirst\b|\blast\b|\btop\b|\bnewest|\boldest|\bsequence|\bqueue|\bstack\b/i;
const UNORDERED_SOURCE =
  /\bnew Set\b|\bnew Map\b|Object\.(?:keys|values|entries)\(|readdir|Promise\.(?:race|any)|\bfor\s*\(\s*(?:const|let|var)\s+\w+\s+in\b|setTimeout\(|\.on\(['"]data/;
const RANDOM = /Math\.random\(|randomUUID\(|randomInt\(|randomBytes\(|crypto\.getRandomValues|faker\./;
const LOCALE = /toLocale(?:String|DateString|TimeString)\(\s*\)|Intl\.\w+\(\s*\)|Intl\.\w+\(\s*undefined/;

function brittleCause(f: Failure, context: ClassifyContext): string | undefined {
  const sources = Object.values(context.sources ?? {}).join('\n');
  if (floatNoise(f)) return `exact comparison of floating-point numbers: expected ${f.expected}, got ${f.actual} (a rounding difference)`;
  const skew = clockSkew(f);
  if (skew !== undefined) return `the expected and actual values are two readings of the clock ${skew} ms apart: the test depends on the current time`;
  const pinned = pinnedClockCause(f, context);
  if (pinned) return pinned;
  const rerun = context.reruns?.get(f.id);
  if (rerun && new Set(rerun.actuals).size > 1 && RANDOM.test(sources))
    return `the actual value changes from run to run (${[...new Set(rerun.actuals)].slice(0, 3).join(', ')}) and the code draws random numbers`;
  if (isPermutation(f) && !ORDER_MATTERS.test(f.name) && UNORDERED_SOURCE.test(sources)) {
    return `same elements in a different order (expected ${oneLine(f.expected)}, got ${oneLine(f.actual)}), and the order comes from an unordered source (${UNORDERED_SOURCE.exec(sources)?.[0]})`;
  }
  if (localeDifference(f) && LOCALE.test(sources))
    return `the same value formatted for another locale (expected ${f.expected}, got ${f.actual}), and the code formats with the machine's locale (${LOCALE.exec(sources)?.[0]})`;
  return undefined;
}

const oneLine = (v: string | undefined): string =>
  (v ?? '?')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']');

/**
 * `output` is the run's text: some runners put the cause beside the failure rather than in it
 * (node:test reports "asynchronous activity after the test ended" as a comment, and fails the file).
 */
export function classify(failures: Failure[], output = '', context: ClassifyContext = {}): Classification {
  const rerunNote = flakyNote(failures, context);
  for (const f of failures) {
    const cause = brittleCause(f, context);
    if (cause) return { class: 'brittle-assertion', evidence: [cause, ...(rerunNote ? [rerunNote] : [])] };
  }
  // A test that passes on some reruns of the same code is flaky whatever its message says,
  // unless a brittle assertion (above) explains the flakiness: then that is what to fix.
  if (rerunNote) return { class: 'flaky', evidence: [rerunNote] };
  const lines = output.split('\n');
  for (const rule of RULES) {
    const hit = failures.find((f) => rule.test.test(f.message))?.message ?? (rule.inOutput ? lines.find((line) => rule.test.test(line)) : undefined);
    if (hit) {
      const line = hit.split('\n').find((l) => rule.test.test(l)) ?? hit.split('\n')[0];
      // The sentence that matched, not the paragraph around it (node:test's notes run on).
      const sentence = line.split(/(?<=\.)\s+/).find((l) => rule.test.test(l)) ?? line;
      return {
        class: rule.class,
        evidence: [
          `${rule.why}: ${sentence
            .replace(/^#\s*/, '')
            .replace(/^Error: /, '')
            .trim()
            .slice(0, 200)}`,
        ],
      };
    }
  }
  const first = failures[0];
  const evidence: string[] = [];
  if (first) {
    evidence.push(
      first.expected !== undefined
        ? `assertion failed: expected ${oneLine(first.expected)}, got ${oneLine(first.actual)}`
        : `failed with: ${first.message.split('\n')[0].slice(0, 160)}`,
    );
  }
  const stable = failures.map((f) => context.reruns?.get(f.id)).find((r) => r !== undefined);
  // Say how sure: a test that passes half of the time fails n reruns in a row with a chance of 0.5^n.
  if (stable)
    evidence.push(
      `failed on all ${stable.runs} reruns of the unchanged code, so it is not flaky (a test that passes half of the time fails ${stable.runs} runs in a row with a chance of ${Number((100 * 0.5 ** stable.runs).toPrecision(2))}%)`,
    );
  return { class: 'code-bug', evidence };
}

function flakyNote(failures: Failure[], context: ClassifyContext): string | undefined {
  for (const f of failures) {
    const r = context.reruns?.get(f.id);
    if (r && r.passes > 0)
      return `${f.name} passed ${r.passes} of ${r.runs} rerun${r.runs === 1 ? '' : 's'} of the unchanged code (and failed in the baseline run)`;
  }
  return undefined;
}

/**
 * The text classify looks at for brittle causes: each failing test's file and the local modules
 * it imports (one level), read through `readText` (the sandbox).
 */
export async function classificationSources(
  root: string,
  failures: Failure[],
  readText: (rel: string) => Promise<string | undefined>,
): Promise<Record<string, string>> {
  const sources: Record<string, string> = {};
  for (const file of new Set(failures.map((f) => f.file).filter((f): f is string => !!f && !path.isAbsolute(f)))) {
    const text = await readText(file);
    if (text === undefined) continue;
    sources[file] = text;
    for (const specifier of importSpecifiers(text)) {
      const abs = await resolveImport(path.join(root, file), specifier);
      const rel = abs && path.relative(root, abs).split(path.sep).join('/');
      if (!rel || rel.startsWith('..') || rel in sources) continue;
      const imported = await readText(rel);
      if (imported !== undefined && imported.length < 500_000) sources[rel] = imported;
    }
  }
  return sources;
}
