/**
 * extensionTestsPath: runs the mocha suite inside the real extension host. The host's console does
 * not reach the terminal, so the report goes to a file (SELF_HEAL_MOCHA_REPORT) that
 * scripts/vscode-test.mjs prints; its last line is "N passed, N failed".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Files in the order they build on each other: activation, the heal flow, signals, issue 15's walk-through, guards, policies, then the LLM engine (it adds its own project to the workspace), the Testing view and the status bar, and the history shared with the CLI. */
const SUITES = [
  'activation.spec.js',
  'healing.spec.js',
  'terminal.spec.js',
  'walkthrough.spec.js',
  'guards.spec.js',
  'policy.spec.js',
  'llm.spec.js',
  'testingView.spec.js',
  'oneHistory.spec.js',
];

/** Run instead of SUITES when the window is a multi-root workspace (scripts/vscode-test.mjs opens one of two folders). */
const MULTI_ROOT_SUITES = ['multiRoot.spec.js'];

function fileReporter(out: string) {
  return function FileReporter(runner: Mocha.Runner): void {
    const lines: string[] = [`mocha in the extension host: node ${process.version}, VS Code ${vscode.version}`];
    let passed = 0;
    let failed = 0;
    const started = Date.now();
    const flush = (): void => fs.writeFileSync(out, `${lines.join('\n')}\n`);
    runner.on('suite', (suite) => suite.title && lines.push(suite.title));
    runner.on('pass', (test) => {
      passed++;
      lines.push(`  ok    ${test.title} (${test.duration} ms)`);
      flush();
    });
    runner.on('fail', (test, error: Error) => {
      failed++;
      lines.push(`  FAIL  ${test.fullTitle()}\n        ${(error.stack ?? error.message).split('\n').join('\n        ')}`);
      flush();
    });
    runner.on('end', () => {
      lines.push(`suite time ${((Date.now() - started) / 1000).toFixed(1)} s`, `${passed} passed, ${failed} failed`);
      flush();
    });
  };
}

export function run(): Promise<void> {
  const out = process.env.SELF_HEAL_MOCHA_REPORT ?? path.join(__dirname, 'mocha-report.txt');
  fs.writeFileSync(out, 'mocha started\n');
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, reporter: fileReporter(out) as unknown as typeof Mocha.reporters.Base });
  // SELF_HEAL_SUITES=a.spec.js,b.spec.js runs only those, for work on one area; CI runs them all.
  const only = process.env.SELF_HEAL_SUITES?.split(',').filter(Boolean);
  const suites = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? MULTI_ROOT_SUITES : SUITES;
  for (const file of suites.filter((suite) => !only || only.includes(suite))) mocha.addFile(path.join(__dirname, 'suite', file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
