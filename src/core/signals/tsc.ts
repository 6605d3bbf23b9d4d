/**
 * TypeScript compiler diagnostics. A test script often type-checks first (`tsc && mocha`), and
 * ts-jest or a watch task surface the same errors, so a compile error is as much a failure signal
 * as a failing test. Both of tsc's formats:
 *
 *   src/math.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.
 *   src/math.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.   (--pretty)
 *
 * Lines indented under a diagnostic (before any blank line) continue its message chain; the
 * `--pretty` code frame comes after a blank line and is left out.
 */
import type { Failure } from '../model';
import { makeFailure } from './failure';
import { toWorkspacePath } from './stack';

const PLAIN = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const PRETTY = /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/;
/** Errors about the whole program (`error TS18003: No inputs were found…`) have no location. */
const GLOBAL = /^error (TS\d+): (.*)$/;

function isDiagnostic(line: string): boolean {
  return PLAIN.test(line) || PRETTY.test(line) || GLOBAL.test(line);
}

export function parseTsc(text: string, root: string): Failure[] {
  const failures: Failure[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const located = PLAIN.exec(line) ?? PRETTY.exec(line);
    const global = located ? undefined : GLOBAL.exec(line.trim());
    if (!located && !global) continue;
    const chain: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !isDiagnostic(lines[i + 1].trim())) chain.push(lines[++i].trim());
    if (located) {
      const [, rawFile, lineText, columnText, code, message] = located;
      const file = toWorkspacePath(rawFile.trim(), root);
      const at = Number(lineText);
      failures.push(
        makeFailure({
          id: `${file}:${at}:${code}`,
          name: code,
          file,
          line: at,
          message: [message, ...chain].join('\n'),
          stack: [{ file, line: at, column: Number(columnText) }],
          runner: 'tsc',
        }),
      );
    } else if (global) {
      failures.push(makeFailure({ id: global[1], name: global[1], message: [global[2], ...chain].join('\n'), runner: 'tsc' }));
    }
  }
  return failures;
}
