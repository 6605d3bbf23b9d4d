/**
 * Fake time for one test (paper §5.4, brittle assertions): a test that depends on the clock is
 * healed by giving it a clock of its own, never by changing what it asserts. Two cases use this:
 * a test that reads the clock twice gets the clock frozen at the moment it starts, and a test
 * whose expected value pins a date gets the clock set to that date.
 *
 * How each runner fakes `Date` is one table (FAKE_DATE), so it can move to a per-runner registry.
 */
import type { Node } from '../../analysis/treeSitter';
import type { Candidate, Failure, TextEdit } from '../../model';
import { indentOf, testCallAt, testCallback, type Assertion } from '../../analysis/testAst';
import { testEditCandidate } from './candidate';

/** Jest fakes every timer by default; a test that awaits a real timeout would hang. Only Date is faked. */
const JEST_NOT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];
const quoted = (names: string[]): string => `[${names.map((n) => `'${n}'`).join(', ')}]`;

interface FakeDate {
  /** Statements (one per line) that fake Date at `now`, an expression for a number or a Date. */
  fake: (now: string) => string[];
  /** Statements that restore the real Date, run in a `finally`; none when the runner restores it itself. */
  restore?: string[];
}

/**
 * Per runner, how to fake `Date` inside one test. node:test's `t.mock.timers` is undone by the
 * runner when the test ends; the others are restored in a `finally` around the test's body.
 */
const FAKE_DATE: Partial<Record<Failure['runner'], FakeDate>> = {
  node: { fake: (now) => [`t.mock.timers.enable({ apis: ['Date'], now: ${now} });`] },
  jest: { fake: (now) => [`jest.useFakeTimers({ now: ${now}, doNotFake: ${quoted(JEST_NOT_DATE)} });`], restore: ['jest.useRealTimers();'] },
  vitest: { fake: (now) => [`vi.useFakeTimers({ now: ${now}, toFake: ['Date'] });`], restore: ['vi.useRealTimers();'] },
  // Mocha has no fake timers of its own: a Date whose "now" is fixed, the real one put back after.
  mocha: {
    fake: (now) => [
      'const RealDate = Date;',
      `const fakeNow = new RealDate(${now}).getTime();`,
      'globalThis.Date = class extends RealDate {',
      '  constructor(...args) {',
      '    super(...(args.length ? args : [fakeNow]));',
      '  }',
      '  static now() {',
      '    return fakeNow;',
      '  }',
      '};',
    ],
    restore: ['globalThis.Date = RealDate;'],
  },
};

export interface ClockChoice {
  operator: 'frozen-clock' | 'pinned-clock';
  /** The expression the fake clock starts at. */
  now: string;
  summary: string;
}

/** The clock stopped when the test starts, so two readings agree. */
export const frozenAtStart: ClockChoice = {
  operator: 'frozen-clock',
  now: 'Date.now()',
  summary: 'Freeze the clock (Date) for this test, so that the code and the test read the same time',
};

/**
 * The clock set to the date or time an expected value pins. A plain day is taken at noon UTC:
 * the same calendar day in every time zone from UTC−11 to UTC+11, so code that prints the local
 * date and code that prints the UTC date both print the pinned day.
 */
export function pinnedAt(pinned: string): ClockChoice {
  const now = /^\d+$/.test(pinned)
    ? pinned
    : /^\d{4}-\d\d-\d\d$/.test(pinned)
      ? `new Date('${pinned}T12:00:00.000Z')`
      : `new Date('${pinned.replace(' ', 'T')}')`;
  return {
    operator: 'pinned-clock',
    now,
    summary: `Set the clock (Date) to ${pinned} for this test, the ${/^\d{4}-\d\d-\d\d$/.test(pinned) ? 'day' : 'time'} its expected value pins, instead of today`,
  };
}

/** Fake `Date` at `clock.now` for the test around assertion `a`; its assertions stay as they are. */
export function fakeTimeCandidate(file: string, text: string, root: Node, a: Assertion, runner: Failure['runner'], clock: ClockChoice): Candidate | undefined {
  const way = FAKE_DATE[runner];
  const call = testCallAt(root, a.node.startPosition.row);
  const fn = call && testCallback(call);
  const body = fn?.childForFieldName('body');
  if (!way || !fn || !body || body.type !== 'statement_block') return undefined;
  const inner = indentOf(text, body.namedChildren[0]?.startIndex ?? body.startIndex + 1) || '  ';
  const edits: Array<Omit<TextEdit, 'file'>> = [];
  let fake = way.fake(clock.now);
  if (runner === 'node') {
    // node:test passes the test context first; name it `t` when the test takes none.
    const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
    const first = params?.type === 'identifier' ? params : params?.namedChildren[0];
    if (!first || !params) {
      if (params?.type !== 'formal_parameters') return undefined;
      edits.push({ start: params.startIndex, end: params.endIndex, newText: '(t)' });
    } else if (first.text !== 't') {
      fake = fake.map((line) => line.replace(/^t\./, `${first.text}.`));
    }
  }
  if (!way.restore) {
    edits.push({ start: body.startIndex + 1, end: body.startIndex + 1, newText: fake.map((line) => `\n${inner}${line}`).join('') });
  } else {
    const statements = text
      .slice(body.startIndex + 1, body.endIndex - 1)
      .replace(/^\s*\n/, '')
      .replace(/\s+$/, '');
    const outer = inner.slice(0, Math.max(0, inner.length - 2));
    const indented = statements
      .split('\n')
      .map((l) => (l.trim() ? `  ${l}` : l))
      .join('\n');
    const lines = (list: string[], indent: string): string => list.map((line) => `${indent}${line}\n`).join('');
    edits.push({
      start: body.startIndex,
      end: body.endIndex,
      newText: `{\n${lines(fake, inner)}${inner}try {\n${indented}\n${inner}} finally {\n${lines(way.restore, `${inner}  `)}${inner}}\n${outer}}`,
    });
  }
  const vitestImport = /import\s*\{([^}]*)\}\s*from\s*['"]vitest['"]/.exec(text);
  if (runner === 'vitest' && vitestImport && !/\bvi\b/.test(vitestImport[1])) {
    const at = vitestImport.index + vitestImport[0].indexOf('{') + 1;
    edits.push({ start: at, end: at, newText: ' vi,' });
  }
  return testEditCandidate(file, clock.operator, clock.summary, 1, edits);
}
