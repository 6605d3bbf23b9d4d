/**
 * The sandbox: a private copy of the user's current state where candidates are tested, so the
 * user's files, index and branch are never touched before they choose to apply (DESIGN.md).
 * With git: a `git clone --shared` of HEAD (own refs and config, shared objects) plus an overlay of
 * staged, unstaged and untracked files and unsaved buffers. Without git: a copy that honours
 * .gitignore. Either way node_modules is a link, not a copy (platform.ts: a symlink, on Windows a
 * junction; a copy only where no junction can go). Sandboxes live in memory
 * (/dev/shm) when it has room, since a checkout there costs no disk writes (10k files: ~0.2 s
 * instead of 1–8 s), else in the OS temp folder.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import ignore from 'ignore';
import { SelfHealError } from '../model';
import type { Log } from '../ports';
import { hostPlatform } from './platform';
import { isAlive } from './processAlive';
import { linkWorkspaceModules } from './workspaceLinks';

const exec = promisify(execFile);
export const SANDBOX_PREFIX = 'self-heal-sbx-';

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  return stdout;
}

async function gitTop(root: string): Promise<string | undefined> {
  try {
    const top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
    await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    return top;
  } catch {
    return undefined; // not a repository, or one without a first commit
  }
}

export class Sandbox {
  private readonly originals = new Map<string, string | undefined>();

  constructor(
    /** The sandbox folder (the worktree or copy root). */
    readonly dir: string,
    /** The folder inside `dir` that corresponds to the user's workspace root. */
    readonly cwd: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  path(rel: string): string {
    const abs = path.resolve(this.cwd, rel);
    if (!abs.startsWith(this.cwd + path.sep)) throw new SelfHealError('BAD_INPUT', `Refusing to write outside the workspace: ${rel}`);
    return abs;
  }

  async read(rel: string): Promise<string | undefined> {
    return fs.readFile(this.path(rel), 'utf8').catch(() => undefined);
  }

  /** Where writing `rel` would really land when that is outside the sandbox (a symlink, or a symlinked folder, that leads out), else undefined. */
  async outside(rel: string): Promise<string | undefined> {
    const abs = this.path(rel);
    const real = await fs.realpath(abs).catch(async () => path.join(await fs.realpath(path.dirname(abs)).catch(() => path.dirname(abs)), path.basename(abs)));
    const home = await fs.realpath(this.dir);
    return real === home || real.startsWith(home + path.sep) ? undefined : real;
  }

  /** Write a candidate's text; the first write of each file remembers the original for `reset`. */
  async write(rel: string, text: string): Promise<void> {
    const outside = await this.outside(rel);
    if (outside) throw new SelfHealError('BAD_INPUT', `${rel} leads outside the workspace (to ${outside}); Self-Heal does not write through links.`);
    if (!this.originals.has(rel)) this.originals.set(rel, await this.read(rel));
    await fs.writeFile(this.path(rel), text);
  }

  /** Undo every candidate write, so the next candidate starts from the user's state. */
  async reset(): Promise<void> {
    for (const [rel, text] of this.originals) {
      if (text === undefined) await fs.rm(this.path(rel), { force: true });
      else await fs.writeFile(this.path(rel), text);
    }
    this.originals.clear();
  }

  dispose(): Promise<void> {
    return this.cleanup();
  }
}

export interface SandboxOptions {
  root: string;
  /** Unsaved editor buffers (workspace-relative path → text) laid over the copy. */
  buffers?: Record<string, string>;
  log?: Log;
}

/** Where sandboxes may live: memory first, when the machine has a writable tmpfs at /dev/shm, then the OS temp folder. */
export function sandboxParents(): string[] {
  const parents = [os.tmpdir()];
  if (process.platform === 'linux') parents.unshift('/dev/shm');
  return parents;
}

/** Room a sandbox needs beyond twice the checked-out text: what the tests write (coverage, builds, caches). */
const TMPFS_MARGIN_BYTES = 512 * 1024 * 1024;

/** The folder for a new sandbox of a repository whose HEAD holds `bytes` of files (unknown: the temp folder). */
async function sandboxParent(bytes: number | undefined): Promise<string> {
  const parents = sandboxParents();
  const temp = parents[parents.length - 1];
  const memory = parents.length > 1 ? parents[0] : undefined;
  if (memory && bytes !== undefined) {
    const room = await fs
      .statfs(memory)
      .then((st) => st.bavail * st.bsize)
      .catch(() => 0);
    const writable = await fs.access(memory, fsConstants.W_OK).then(
      () => true,
      () => false,
    );
    if (writable && room >= 2 * bytes + TMPFS_MARGIN_BYTES) return fs.realpath(memory);
  }
  return fs.realpath(temp);
}

/** Total size of the files at HEAD (what a checkout writes). */
async function headBytes(top: string): Promise<number | undefined> {
  try {
    let total = 0;
    for (const line of (await git(top, ['ls-tree', '-r', '-l', '--full-tree', 'HEAD'])).split('\n')) {
      const size = Number(line.split('\t')[0].split(/\s+/)[3]);
      if (Number.isFinite(size)) total += size;
    }
    return total;
  } catch {
    return undefined;
  }
}

function sandboxDirName(): string {
  return `${SANDBOX_PREFIX}${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

async function linkDependencies(workspace: string, sandboxCwd: string, sandboxDir: string): Promise<void> {
  // A monorepo's links to its own packages must lead into the sandbox, not back to the user's files.
  if (await linkWorkspaceModules(workspace, sandboxCwd, sandboxDir)) return;
  const modules = path.join(workspace, 'node_modules');
  if (
    await fs.stat(modules).then(
      (s) => s.isDirectory(),
      () => false,
    )
  ) {
    await fs.rm(path.join(sandboxCwd, 'node_modules'), { recursive: true, force: true });
    await hostPlatform.link(modules, path.join(sandboxCwd, 'node_modules'));
  }
}

async function overlayChanges(top: string, dir: string): Promise<number> {
  // -z keeps odd file names intact; untracked=all lists files, not folders; ignored files stay out.
  const status = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const entries = status.split('\0').filter(Boolean);
  let count = 0;
  for (const entry of entries) {
    const code = entry.slice(0, 2);
    const rel = entry.slice(3);
    const target = path.join(dir, rel);
    const source = path.join(top, rel);
    const stat = await fs.lstat(source).catch(() => undefined);
    if (!stat) {
      await fs.rm(target, { force: true, recursive: true });
    } else if (stat.isFile() || stat.isSymbolicLink()) {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rm(target, { force: true, recursive: true });
      if (stat.isSymbolicLink()) await fs.symlink(await fs.readlink(source), target);
      else await fs.copyFile(source, target);
    }
    if (code !== '  ') count++;
  }
  return count;
}

async function copyTree(root: string, dir: string): Promise<void> {
  const rules = ignore().add(['.git', 'node_modules']);
  const gitignore = await fs.readFile(path.join(root, '.gitignore'), 'utf8').catch(() => '');
  rules.add(gitignore);
  const visit = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (rules.ignores(entry.isDirectory() ? `${childRel}/` : childRel)) continue;
      if (entry.isDirectory()) {
        await fs.mkdir(path.join(dir, childRel), { recursive: true });
        await visit(childRel);
      } else if (entry.isFile()) {
        await fs.copyFile(path.join(root, childRel), path.join(dir, childRel));
      } else if (entry.isSymbolicLink()) {
        await fs.symlink(await fs.readlink(path.join(root, childRel)), path.join(dir, childRel));
      }
    }
  };
  await visit('');
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const root = await fs.realpath(options.root);
  const top = await gitTop(root);
  const dir = path.join(await sandboxParent(top ? await headBytes(top) : undefined), sandboxDirName());
  let cleanup: () => Promise<void>;
  let cwd: string;
  try {
    if (top) {
      // A clone that shares the user's objects but has its own refs, config and stash: tests that
      // run git (tag, branch, config, stash) change the sandbox's repository, never the user's.
      const head = (await git(top, ['rev-parse', 'HEAD'])).trim();
      await git(path.dirname(dir), ['clone', '--shared', '--no-checkout', '--quiet', top, dir]);
      await git(dir, ['remote', 'remove', 'origin']);
      await git(dir, ['checkout', '--detach', '--quiet', head]);
      cleanup = async () => {
        await killProcessesIn(dir);
        await fs.rm(dir, { recursive: true, force: true });
      };
      const changed = await overlayChanges(top, dir);
      cwd = path.join(dir, path.relative(top, root));
      options.log?.debug(`sandbox: clone ${dir} with ${changed} changed file(s) laid over HEAD`);
    } else {
      await fs.mkdir(dir, { recursive: true });
      cleanup = async () => {
        await killProcessesIn(dir);
        await fs.rm(dir, { recursive: true, force: true });
      };
      await copyTree(root, dir);
      cwd = dir;
      options.log?.debug(`sandbox: copied ${root} to ${dir} (no git history)`);
    }
    await linkDependencies(root, cwd, dir);
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    if (top) await git(top, ['worktree', 'prune']).catch(() => undefined);
    throw new SelfHealError('SANDBOX', `Could not create the sandbox: ${(error as Error).message}`);
  }
  const sandbox = new Sandbox(dir, cwd, cleanup);
  for (const [rel, text] of Object.entries(options.buffers ?? {})) {
    await fs.mkdir(path.dirname(sandbox.path(rel)), { recursive: true });
    await fs.writeFile(sandbox.path(rel), text);
  }
  return sandbox;
}

/** Remove sandboxes left by a process that died (kill -9, crash), and the worktree entries that point at them. */
export async function pruneStaleSandboxes(root: string | undefined, log?: Log): Promise<number> {
  let removed = 0;
  for (const parent of sandboxParents()) {
    const tmp = await fs.realpath(parent).catch(() => undefined);
    if (!tmp) continue;
    for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
      if (!name.startsWith(SANDBOX_PREFIX)) continue;
      const pid = Number(name.slice(SANDBOX_PREFIX.length).split('-')[0]);
      if (!Number.isFinite(pid) || pid === process.pid || isAlive(pid)) continue;
      await killProcessesIn(path.join(tmp, name));
      await fs.rm(path.join(tmp, name), { recursive: true, force: true });
      removed++;
    }
  }
  if (root) {
    const top = await gitTop(root);
    if (top) await git(top, ['worktree', 'prune']).catch(() => undefined);
  }
  if (removed > 0) log?.info(`Removed ${removed} sandbox(es) left behind by an interrupted run.`);
  return removed;
}

/**
 * End the processes working inside `dir` (Linux: their /proc/<pid>/cwd): test runs a killed
 * Self-Heal left behind, and daemons that left the run's process group (setsid). Elsewhere the
 * process-group kill of each run is all there is.
 */
export async function killProcessesIn(dir: string): Promise<number> {
  if (process.platform !== 'linux') return 0;
  let killed = 0;
  for (const name of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cwd = await fs.readlink(`/proc/${name}/cwd`).catch(() => undefined);
    // A removed folder reads as "<path> (deleted)".
    if (!cwd || !(cwd === dir || cwd.startsWith(dir + path.sep) || cwd.startsWith(`${dir} (deleted)`))) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
      killed++;
    } catch {
      // gone, or not ours
    }
  }
  return killed;
}

/** Git blob id of `content`, as `git hash-object` computes it, without writing anything. */
function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * What the tests see in the workspace, as one id: every tracked and untracked (not ignored) path
 * with its content's blob id. Equal ids mean equal content whatever happened to HEAD (a commit of
 * the same text changes nothing; a branch switch or an edit does). `written` holds files Self-Heal
 * itself wrote since (earlier applies), counted at their written text. Undefined without git.
 */
export async function workspaceState(root: string, written: Record<string, string> = {}): Promise<string | undefined> {
  const top = await gitTop(await fs.realpath(root));
  if (!top) return undefined;
  const prefix = path
    .relative(top, await fs.realpath(root))
    .split(path.sep)
    .join('/');
  const blobs = new Map<string, string>();
  for (const entry of (await git(top, ['ls-files', '-s', '-z'])).split('\0').filter(Boolean)) {
    const [meta, rel] = entry.split('\t');
    blobs.set(rel, meta.split(' ')[1]);
  }
  const status = await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  for (const entry of status.split('\0').filter(Boolean)) {
    const rel = entry.slice(3);
    const content = await fs.readFile(path.join(top, rel)).catch(() => undefined);
    if (content === undefined) blobs.delete(rel);
    else blobs.set(rel, blobId(content));
  }
  for (const [rel, text] of Object.entries(written)) blobs.set(prefix ? `${prefix}/${rel}` : rel, blobId(Buffer.from(text)));
  const hash = createHash('sha256');
  for (const rel of [...blobs.keys()].sort()) hash.update(`${rel}\0${blobs.get(rel)}\n`);
  return hash.digest('hex');
}
