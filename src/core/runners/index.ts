/**
 * The runner registry: one descriptor per test runner (node:test, mocha, jest, vitest), and what
 * is done with a command through them — which runner a command starts, which version of it is
 * installed, how to narrow the command to some files, and how to add our reporter.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunnerDescriptor } from './descriptor';
import { jest } from './jest';
import { mocha } from './mocha';
import { nodeTest } from './nodeTest';
import { vitest } from './vitest';

export type { ReporterPlan, RunnerDescriptor, RunnerName } from './descriptor';
export { REPORT_FILE_ENV, reportersDir } from './reportersDir';

export const RUNNERS: readonly RunnerDescriptor[] = [vitest, jest, mocha, nodeTest];

export function runnerNamed(name: string): RunnerDescriptor | undefined {
  return RUNNERS.find((runner) => runner.name === name);
}

/** The executable name of a word: `node_modules/mocha/bin/mocha.js` and `node_modules\.bin\jest.cmd` name their runner too. */
export const binOf = (word: string): string => (word.split(/[\\/]/).pop() ?? word).replace(/\.(?:[cm]?js|cmd)$/, '');

/** Where in `words` the runner starts (its executable), or -1. */
export function runnerStart(runner: RunnerDescriptor, words: readonly string[]): number {
  const bins = words.map(binOf);
  if (runner.name === 'node') {
    // `node --test` in the same step: in `node build.js && node --test` the runner is the second node.
    const stepEnd = (from: number): number => {
      const end = words.findIndex((word, i) => i > from && word === '&&');
      return end < 0 ? words.length : end;
    };
    return bins.findIndex((bin, at) => runner.bins.includes(bin) && words.slice(at + 1, stepEnd(at)).includes('--test'));
  }
  if (runner.name === 'jest' && bins.join(' ').includes('react-scripts test')) return bins.indexOf('react-scripts');
  return bins.findIndex((bin) => runner.bins.includes(bin));
}

/** The runner one simple command (no `&&`, no pipes) starts. */
export function runnerIn(words: readonly string[]): RunnerDescriptor | undefined {
  return RUNNERS.find((runner) => runnerStart(runner, words) >= 0);
}

/**
 * The installed runner's version, read from node_modules/<runner>/package.json as Node would
 * resolve it from `cwd` (a monorepo hoists it to a parent folder). Undefined when not installed.
 */
export async function installedVersion(runner: RunnerDescriptor, cwd: string): Promise<string | undefined> {
  if (!runner.packageName) return process.version.replace(/^v/, '');
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(await fs.readFile(path.join(dir, 'node_modules', runner.packageName, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : undefined;
    } catch {
      // Not here (or unreadable): keep walking up, as require() does.
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
