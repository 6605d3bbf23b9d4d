/** The recorded runner outputs in test/fixtures/runners, and real runs of those fixture projects. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../../helpers/repo';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'runners');

/** Where the outputs were recorded; their absolute paths point there (see the fixtures' README). */
const RECORDED_AT = '/work/main/test/fixtures/runners';

export function recorded(file: string): string {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8');
}

/** The workspace root a recorded output was produced in. */
export function recordedRoot(project: string): string {
  return `${RECORDED_AT}/${project}`;
}

/** A fresh copy of a fixture project's sources, to run a runner in. */
export function copyProject(project: string): string {
  const dir = tempDir('self-heal-signals-');
  for (const name of fs.readdirSync(path.join(FIXTURES, project))) {
    if (/\.(?:js|json)$/.test(name) && !/^report\.json$/.test(name)) fs.copyFileSync(path.join(FIXTURES, project, name), path.join(dir, name));
  }
  return dir;
}

/**
 * Run a command in `cwd` and return stdout then stderr, as a terminal would show them. The
 * environment drops NODE_TEST_CONTEXT, which node:test sets for its own children: inherited, it
 * would make the inner `node --test` talk the runner's internal protocol instead of TAP.
 */
export function run(cwd: string, args: string[], extraEnv: Record<string, string> = {}): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extraEnv };
  delete env.NODE_TEST_CONTEXT;
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return `${result.stdout}${result.stderr}`;
}

export const MOCHA_BIN = path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
