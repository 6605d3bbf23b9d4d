/**
 * A runner's command line taken apart and put back together: what comes before the runner
 * (`cross-env X=1`, `nyc`), the runner and its subcommand, its flags with their values, and its
 * test paths. Narrowing replaces the paths; adding our reporter replaces the reporter flags.
 * Words keep their quotes, so what is put back is what the user wrote.
 */
import type { RunnerDescriptor } from './descriptor';
import { runnerStart } from './index';

export interface RunnerCommandLine {
  before: string[];
  /** The executable (and subcommand, e.g. `vitest run`). */
  runner: string[];
  /** Flags in order; a flag that takes a value is followed by it. */
  flags: string[];
  paths: string[];
}

/** Shell words with their quotes kept (`--grep 'a b'` is two words). */
export function shellWords(command: string): string[] {
  return command.trim().match(/(?:[^\s'"\\]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+/g) ?? [];
}

const unquote = (word: string): string => word.replace(/^(['"])(.*)\1$/, '$2');
const flagName = (word: string): string => unquote(word).split('=')[0];

export function parseRunnerCommand(runner: RunnerDescriptor, command: string): RunnerCommandLine | undefined {
  const words = shellWords(command);
  const start = runnerStart(runner, words.map(unquote));
  if (start < 0) return undefined;
  const line: RunnerCommandLine = { before: words.slice(0, start), runner: [words[start]], flags: [], paths: [] };
  for (let i = start + 1; i < words.length; i++) {
    const word = words[i];
    const plain = unquote(word);
    if (plain.startsWith('-')) {
      line.flags.push(word);
      if (!plain.includes('=') && runner.valueFlags.has(plain) && i + 1 < words.length) line.flags.push(words[++i]);
    } else if (line.flags.length === 0 && line.paths.length === 0 && runner.subcommands.has(plain)) {
      line.runner.push(word);
    } else if (runner.name === 'jest' && line.runner[0] && /react-scripts/.test(line.runner[0]) && plain === 'test' && line.runner.length === 1) {
      line.runner.push(word);
    } else {
      line.paths.push(word);
    }
  }
  return line;
}

export function joinCommand(runner: RunnerDescriptor, line: RunnerCommandLine): string {
  const args = runner.pathsBeforeFlags ? [...line.paths, ...line.flags] : [...line.flags, ...line.paths];
  return [...line.before, ...line.runner, ...args].join(' ');
}

/** The flags without those named (and their values): `--reporter spec` and `--reporter=spec` alike. */
export function withoutFlags(runner: RunnerDescriptor, flags: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const plain = unquote(flags[i]);
    const takesNext = plain.startsWith('-') && !plain.includes('=') && runner.valueFlags.has(plain);
    if (names.includes(flagName(flags[i]))) {
      if (takesNext) i++;
      continue;
    }
    out.push(flags[i]);
    if (takesNext && i + 1 < flags.length) out.push(flags[++i]);
  }
  return out;
}
