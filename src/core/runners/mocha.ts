/**
 * Mocha, from 1.x to 11. Its machine-readable results come from our reporter file
 * (src/reporters/mocha.cjs), passed with `--reporter <path>`, which every version accepts; the
 * output path goes in an environment variable because `--reporter-option` arrived only in mocha 6
 * (and `output=` for the json reporter in 8, mochajs/mocha#4131).
 */
import * as path from 'node:path';
import { findJson } from '../signals/failure';
import { parseMochaJson } from '../signals/mocha';
import type { RunnerDescriptor } from './descriptor';
import { REPORT_FILE_ENV } from './reportersDir';

export const mocha: RunnerDescriptor = {
  name: 'mocha',
  packageName: 'mocha',
  bins: ['mocha', '_mocha'],
  configFiles: ['.mocharc.json', '.mocharc.jsonc', '.mocharc.yml', '.mocharc.yaml', '.mocharc.js', '.mocharc.cjs'],
  packageJsonKey: 'mocha',
  // `./test/*.{js,cjs,mjs}`, not recursive: mocha's default spec.
  defaultTestFiles: [/^test\/[^/]+\.[cm]?js$/],
  idsStartWithFile: false,
  resultStream: 'stdout',
  valueFlags: new Set([
    '--require',
    '-r',
    '--reporter',
    '-R',
    '--reporter-option',
    '--reporter-options',
    '-O',
    '--ui',
    '-u',
    '--timeout',
    '-t',
    '--slow',
    '-s',
    '--grep',
    '-g',
    '--fgrep',
    '-f',
    '--file',
    '--extension',
    '--config',
    '--package',
    '--opts',
    '--spec',
    '--ignore',
    '--exclude',
    '--globals',
    '--compilers',
    '--retries',
    '--jobs',
    '-j',
    '--watch-files',
    '--watch-ignore',
    '--node-option',
    '-n',
    '--delay-ms',
  ]),
  pathsBeforeFlags: true,
  subcommands: new Set(),
  reporter: (reportersDir, reportFile) => ({
    args: ['--reporter', path.join(reportersDir, 'mocha.cjs')],
    env: { [REPORT_FILE_ENV]: reportFile },
    replaces: ['--reporter', '-R', '--reporter-option', '--reporter-options', '-O'],
  }),
  parseReport: (text, root) => parseMochaJson(findJson(text), root),
  nameFilter: (pattern) => ['--grep', pattern],
  perTestCoverage: true,
  retries: { since: '2.4.0', flag: (times) => `--retries ${times}` },
  timeout: { configKey: 'timeout', scriptFlag: /((?:--timeout|-t)[= ])(\d+)\b/, newFlag: (ms) => `--timeout ${ms}` },
};
