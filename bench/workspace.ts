/**
 * A tiny real workspace per benchmark case: real files in a temp folder, a git repository with
 * one commit, and node_modules links for the few packages a case needs. Self-Heal then heals it
 * exactly as it would heal a user's project (git worktree sandbox, real test runs).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const requireHere = createRequire(__filename);

export interface Workspace {
  dir: string;
  dispose(): Promise<void>;
}

async function git(cwd: string, args: string[]): Promise<void> {
  await exec('git', ['-c', 'user.name=self-heal-bench', '-c', 'user.email=bench@self-heal.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd });
}

/** Folder of an installed package, for linking it into a workspace (e.g. js-md5 for task 162). */
export function packageDir(name: string): string {
  return path.dirname(requireHere.resolve(`${name}/package.json`));
}

/** Packages a program requires, other than Node built-ins and relative paths. */
export function requiredPackages(...texts: string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/require\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)) {
      if (!m[1].startsWith('node:')) names.add(m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0]);
    }
  }
  return [...names];
}

/** node_modules/.bin entries of a linked package, so a script such as `jest` finds its command. */
async function linkBins(dir: string, name: string): Promise<void> {
  const pkg = JSON.parse(await fs.readFile(path.join(packageDir(name), 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof pkg.bin === 'string' ? { [name.split('/').pop()!]: pkg.bin } : (pkg.bin ?? {});
  const binDir = path.join(dir, 'node_modules', '.bin');
  await fs.mkdir(binDir, { recursive: true });
  for (const [command, target] of Object.entries(bins)) await fs.symlink(path.join(packageDir(name), target), path.join(binDir, command));
}

/** Write `files` (relative path → text) into a fresh temp folder, link `packages`, and commit. */
export async function createWorkspace(label: string, files: Record<string, string>, packages: string[] = []): Promise<Workspace> {
  // realpath: macOS's /var → /private/var would otherwise confuse path comparisons in the core.
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `self-heal-bench-${label.replace(/[^\w-]/g, '_')}-`)));
  const dispose = (): Promise<void> => fs.rm(dir, { recursive: true, force: true });
  try {
    for (const [rel, text] of Object.entries({ '.gitignore': 'node_modules/\n', ...files })) {
      await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await fs.writeFile(path.join(dir, rel), text);
    }
    for (const name of packages) {
      const link = path.join(dir, 'node_modules', name);
      await fs.mkdir(path.dirname(link), { recursive: true });
      await fs.symlink(packageDir(name), link, 'dir');
      await linkBins(dir, name);
    }
    await git(dir, ['init', '-q', '-b', 'main']);
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '-q', '-m', `bench: ${label}`]);
    return { dir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Copy a folder (without node_modules and .git) into a plain object of files. */
export async function readTree(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) Object.assign(out, await readTree(root, child));
    else if (entry.isFile()) out[child] = await fs.readFile(path.join(root, child), 'utf8');
  }
  return out;
}
