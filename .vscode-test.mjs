// Runs the real-VS-Code mocha suite (test/vscode) in DESKTOP VS Code through @vscode/test-electron,
// for developers who are online: `npm run test:electron`. It downloads VS Code on first use, so it
// cannot run offline; CI and `npm test` use scripts/vscode-test.mjs (code-server) instead.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.dirname(fileURLToPath(import.meta.url));
const report = path.join(root, 'test-results', 'vscode-electron-mocha.txt');
const prepared = spawnSync(process.execPath, ['scripts/vscode-test.mjs', '--build-only', '--prepare-workspace'], { cwd: root, stdio: 'inherit' });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);
fs.mkdirSync(path.dirname(report), { recursive: true });

let code = 0;
try {
  await runTests({
    version: '1.139.1', // the same VS Code as code-server 4.139.1; engines.vscode must not be newer
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'vscode-test', 'index.js'),
    extensionTestsEnv: { SELF_HEAL_MOCHA_REPORT: report, SELF_HEAL_METRICS: path.join(root, 'test-results', 'vscode-electron-metrics.txt') },
    launchArgs: [path.join(root, '.vscode-test', 'workspace', 'calc'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
  });
} catch (error) {
  console.error(`VS Code tests failed: ${error instanceof Error ? error.message : error}`);
  code = 1;
}
if (fs.existsSync(report)) process.stdout.write(fs.readFileSync(report, 'utf8'));
process.exit(code);
