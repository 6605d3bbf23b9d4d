/**
 * node:test. It gets no reporter of ours: Node 20 and 22 print TAP whenever stdout is not a
 * terminal, and Self-Heal always pipes it; Node 23 made spec the default everywhere
 * (nodejs/node#54548), and the spec reporter is parsed too. Both go to stdout.
 */
import { parseNodeTest } from '../signals/nodeTest';
import type { RunnerDescriptor } from './descriptor';

export const nodeTest: RunnerDescriptor = {
  name: 'node',
  bins: ['node', 'tsx'],
  configFiles: [],
  // Node 20's default patterns (doc/api/test.md, "Running tests from the command line").
  defaultTestFiles: [/(^|\/)[^/]*[._-]test\.[cm]?js$/, /(^|\/)test-[^/]*\.[cm]?js$/, /(^|\/)test\.[cm]?js$/, /(^|\/)test\/.*\.[cm]?js$/],
  idsStartWithFile: true,
  resultStream: 'stdout',
  valueFlags: new Set([
    '--require',
    '-r',
    '--import',
    '--loader',
    '--experimental-loader',
    '--test-name-pattern',
    '--test-reporter',
    '--test-reporter-destination',
    '--test-concurrency',
    '--test-timeout',
    '--env-file',
    '--conditions',
    '-C',
  ]),
  pathsBeforeFlags: false,
  subcommands: new Set(),
  reporter: () => undefined,
  parseReport: parseNodeTest,
  snapshotUpdateFlag: '--test-update-snapshots',
  timeout: { configKey: 'timeout', scriptFlag: /(--test-timeout[= ])(\d+)\b/, newFlag: (ms) => `--test-timeout=${ms}` },
};
