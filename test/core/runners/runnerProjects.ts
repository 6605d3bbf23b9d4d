/**
 * Runner fixture projects (test/fixtures/runners/<runner>) copied into temp folders, with their
 * node_modules/<runner> and node_modules/.bin/<bin> linked to one installed version of the runner,
 * so the project's own `npm test` runs exactly that version. The current versions are the
 * repository's devDependencies; the old ones (mocha 2, jest 29, vitest 3) are the dependencies of
 * test/fixtures/runners/old-versions, a linked package of its own so that their executables never
 * replace the current ones in node_modules/.bin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Log } from '../../../src/core/ports';
import { REPO_ROOT, tempDir } from '../../helpers/repo';

export const RUNNER_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'runners');

export type Generation = 'current' | 'old';

export function packageDir(runner: string, generation: Generation): string {
  return generation === 'old' ? path.join(RUNNER_FIXTURES, 'old-versions', 'node_modules', runner) : path.join(REPO_ROOT, 'node_modules', runner);
}

export const versionOf = (runner: string, generation: Generation): string =>
  (JSON.parse(fs.readFileSync(path.join(packageDir(runner, generation), 'package.json'), 'utf8')) as { version: string }).version;

/** Copy `from` (a fixture folder) into a temp folder that runs `runner` of that generation. */
export function projectWithRunner(from: string, runner: string, generation: Generation = 'current'): string {
  const dir = tempDir('self-heal-runner-');
  fs.cpSync(from, dir, { recursive: true, filter: (src) => !/\.(?:txt)$|report\.json$/.test(src) });
  // node:test comes with Node itself.
  if (runner !== 'node') linkRunner(dir, runner, generation);
  return dir;
}

/** node_modules/<runner> → the installed package, and its executables in node_modules/.bin. */
export function linkRunner(dir: string, runner: string, generation: Generation): void {
  const pkgDir = packageDir(runner, generation);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.symlinkSync(pkgDir, path.join(modules, runner), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof pkg.bin === 'string' ? { [runner]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, file] of Object.entries(bins)) fs.symlinkSync(path.join(pkgDir, file), path.join(modules, '.bin', name));
}

/** A log that keeps warnings and errors, to check that a run needed no fallback. */
export function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}
