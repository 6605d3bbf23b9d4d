/**
 * Jest. Our reporter (src/reporters/jest.cjs) is added with `--reporters` beside jest's default
 * one, so the human output stays as the user knows it; it writes the shape `--json` writes. Jest
 * prints its human results to stderr.
 */
import * as path from 'node:path';
import { findJson } from '../signals/failure';
import { parseJestJson } from '../signals/jest';
import type { RunnerDescriptor } from './descriptor';
import { REPORT_FILE_ENV } from './reportersDir';

export const jest: RunnerDescriptor = {
  name: 'jest',
  packageName: 'jest',
  bins: ['jest'],
  configFiles: ['jest.config.json', 'jest.config.js', 'jest.config.cjs', 'jest.config.mjs', 'jest.config.ts'],
  packageJsonKey: 'jest',
  // testMatch's default: files in __tests__, and *.test.* / *.spec.*.
  defaultTestFiles: [/(^|\/)__tests__\/.+\.[jt]sx?$/, /(^|\/)[^/]*[.-]?(?:test|spec)\.[jt]sx?$/],
  idsStartWithFile: true,
  resultStream: 'stderr',
  valueFlags: new Set([
    '--config',
    '-c',
    '--maxWorkers',
    '-w',
    '--testNamePattern',
    '-t',
    '--testPathPattern',
    '--testPathPatterns',
    '--reporters',
    '--rootDir',
    '--roots',
    '--selectProjects',
    '--outputFile',
    '--testTimeout',
    '--coverageDirectory',
    '--shard',
  ]),
  pathsBeforeFlags: true,
  subcommands: new Set(),
  reporter: (reportersDir, reportFile) => ({
    args: ['--reporters=default', `--reporters=${path.join(reportersDir, 'jest.cjs')}`],
    env: { [REPORT_FILE_ENV]: reportFile },
    replaces: ['--reporters', '--json', '--outputFile'],
  }),
  parseReport: (text, root) => parseJestJson(findJson(text), root),
  snapshotUpdateFlag: '-u',
  timeout: { configKey: 'testTimeout', scriptFlag: /(--testTimeout[= ])(\d+)\b/, newFlag: (ms) => `--testTimeout=${ms}` },
};
