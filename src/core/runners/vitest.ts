/**
 * Vitest. Our reporter (src/reporters/vitest.mjs) replaces the default one: vitest 5's default
 * reporter crashes on Node 20 while printing failures (test/fixtures/runners/README.md). It
 * writes the shape of vitest's own JSON reporter, from vitest 3's `onFinished` or the
 * `onTestRunEnd` that replaced it.
 */
import * as path from 'node:path';
import { findJson } from '../signals/failure';
import { parseVitestJson } from '../signals/vitest';
import type { RunnerDescriptor } from './descriptor';
import { REPORT_FILE_ENV } from './reportersDir';

export const vitest: RunnerDescriptor = {
  name: 'vitest',
  packageName: 'vitest',
  bins: ['vitest'],
  configFiles: [
    'vitest.config.ts',
    'vitest.config.mts',
    'vitest.config.js',
    'vitest.config.mjs',
    'vite.config.ts',
    'vite.config.mts',
    'vite.config.js',
    'vite.config.mjs',
  ],
  defaultTestFiles: [/(^|\/)[^/]+\.(?:test|spec)\.[cm]?[jt]sx?$/],
  idsStartWithFile: true,
  resultStream: 'stdout',
  valueFlags: new Set([
    '--config',
    '-c',
    '--root',
    '-r',
    '--dir',
    '--reporter',
    '--outputFile',
    '--testNamePattern',
    '-t',
    '--project',
    '--pool',
    '--testTimeout',
    '--environment',
    '--shard',
  ]),
  pathsBeforeFlags: true,
  subcommands: new Set(['run', 'watch', 'dev', 'related']),
  // --run: never stay in watch mode, which vitest enters by default in a terminal.
  reporter: (reportersDir, reportFile) => ({
    args: ['--run', `--reporter=${path.join(reportersDir, 'vitest.mjs')}`],
    env: { [REPORT_FILE_ENV]: reportFile },
    replaces: ['--reporter', '--outputFile'],
  }),
  parseReport: (text, root) => parseVitestJson(findJson(text), root),
  snapshotUpdateFlag: '-u',
  timeout: { configKey: 'testTimeout', scriptFlag: /(--test-?[Tt]imeout[= ])(\d+)\b/, newFlag: (ms) => `--testTimeout=${ms}` },
};
