/**
 * Runner fixture projects (test/fixtures/runners/<runner>) copied into temp folders, with their
 * node_modules/<runner> and node_modules/.bin/<bin> linked to one installed version of the runner
 * (old versions are aliased devDependencies: mocha-2, jest-29), so the project's own `npm test`
 * runs exactly that version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../../helpers/repo';

export const RUNNER_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'runners');

/** Copy `from` (a fixture folder) into a temp folder and link `runner` there to `installed` (a folder in node_modules). */
export function projectWithRunner(from: string, runner: string, installed: string = runner): string {
  const dir = tempDir('self-heal-runner-');
  fs.cpSync(from, dir, { recursive: true, filter: (src) => !/\.(?:txt)$|report\.json$/.test(src) });
  // node:test comes with Node itself.
  if (runner !== 'node') linkRunner(dir, runner, installed);
  return dir;
}

/** node_modules/<runner> → the installed package, and its bins in node_modules/.bin. */
export function linkRunner(dir: string, runner: string, installed: string): void {
  const pkgDir = path.join(REPO_ROOT, 'node_modules', installed);
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.symlinkSync(pkgDir, path.join(modules, runner), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof pkg.bin === 'string' ? { [runner]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, file] of Object.entries(bins)) fs.symlinkSync(path.join(pkgDir, file), path.join(modules, '.bin', name));
}

export const installedVersionOf = (installed: string): string =>
  (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', installed, 'package.json'), 'utf8')) as { version: string }).version;
