/** The module-graph fixture projects (test/fixtures/module-graph/<name>) as real git repos in temp folders. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, makeProject, REPO_ROOT } from '../../helpers/repo';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'module-graph');

/** Every file of a fixture, relative path → text. */
export function fixtureFiles(name: 'package-root' | 'npm-workspaces' | 'ts-esm-paths'): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(FIXTURES, name, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else files[child] = fs.readFileSync(path.join(FIXTURES, name, child), 'utf8');
    }
  };
  visit('');
  return files;
}

/**
 * The npm-workspaces fixture, with node_modules/@acme/* linked to the packages by relative
 * symlinks as `npm install` makes them (no network needed), committed.
 */
export function workspacesProject(): string {
  const dir = makeProject(fixtureFiles('npm-workspaces'), { commit: false });
  for (const [name, folder] of [
    ['@acme/text', 'packages/text'],
    ['@acme/report', 'packages/report'],
  ]) {
    const link = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(dir, folder)), link, 'dir');
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}
