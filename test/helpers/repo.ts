/** Real git repositories in temporary folders, built from small fixture projects. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SANDBOX_PREFIX, sandboxParents } from '../../src/core/verify/sandbox';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
}

const created: string[] = [];

/** Remove every folder tempDir made in this process (a symlink inside is removed, not followed). */
function removeCreated(): void {
  for (const dir of created.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // A child process still writing there; the system's temp cleaning gets the rest.
    }
  }
}

/**
 * A fresh folder in the system's temp folder, removed when the test process exits: node --test
 * runs each file in a process of its own, so a file's folders live exactly as long as its tests
 * (a full run made some 300, and they used to stay behind).
 */
export function tempDir(prefix = 'self-heal-test-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  if (created.push(dir) === 1) process.once('exit', removeCreated);
  return dir;
}

/** Write `files` (relative path → text) into a new folder; with `commit`, make it a git repo with one commit. */
export function makeProject(files: Record<string, string>, options: { commit?: boolean; linkNodeModules?: boolean } = {}): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  if (options.linkNodeModules) {
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  }
  if (options.commit !== false) {
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'initial');
  }
  return dir;
}

/** Copy an example project (examples/<name>) into a fresh git repo. */
export function exampleProject(name: string, options: { commit?: boolean; linkNodeModules?: boolean } = {}): string {
  const src = path.join(REPO_ROOT, 'examples', name);
  const files: Record<string, string> = {};
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else files[child] = fs.readFileSync(path.join(src, child), 'utf8');
    }
  };
  visit('');
  return makeProject(files, options);
}

/**
 * A fingerprint of everything a user owns in a repo: working tree bytes (tracked and untracked),
 * the index, HEAD, branches and the stash list. Equal fingerprints mean nothing was damaged.
 */
export function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (child === '.git' || child === 'node_modules' || child === '.self-heal') continue;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) hash.update(child).update(fs.readFileSync(path.join(dir, child)));
    }
  };
  visit('');
  if (fs.existsSync(path.join(dir, '.git'))) {
    hash.update(git(dir, 'rev-parse', 'HEAD'));
    hash.update(git(dir, 'symbolic-ref', '-q', 'HEAD').trim());
    hash.update(git(dir, 'ls-files', '-s'));
    hash.update(git(dir, 'status', '--porcelain'));
    hash.update(git(dir, 'stash', 'list'));
    hash.update(git(dir, 'branch', '-a'));
    hash.update(
      git(dir, 'worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree'))
        .length.toString(),
    );
  }
  return hash.digest('hex');
}

/** Sandboxes made by process `pid`, wherever sandboxes live (memory or the temp dir). */
export function sandboxesOf(pid: number): string[] {
  return sandboxParents().flatMap((parent) =>
    (fs.existsSync(parent) ? fs.readdirSync(parent) : []).filter((n) => n.startsWith(`${SANDBOX_PREFIX}${pid}-`)).map((n) => path.join(parent, n)),
  );
}

/** Sandboxes that belong to this process. */
export function ourSandboxes(): string[] {
  return sandboxesOf(process.pid);
}
