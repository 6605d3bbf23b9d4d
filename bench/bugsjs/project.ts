/**
 * A BugsJS project as the harness sees it: a git repository (bare, or a checkout) whose tags
 * `Bug-N-test` (buggy code plus the tests that reveal the bug) and `Bug-N-full` (the developers'
 * fix) define the cases. Nothing here knows a project by name: the bugs come from the tags.
 *
 * A version is materialized WITHOUT history (`git archive` of the tag, then a fresh repository
 * with one commit), so neither Self-Heal's git recency nor the LLM context can reach the fix.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface BugsJsProject {
  /** Short name for reports (the folder name without `.git`). */
  name: string;
  /** The repository's git directory. */
  gitDir: string;
}

export interface Bug {
  /** N of `Bug-N-test`. */
  number: number;
  buggyTag: string;
  fixedTag: string;
}

export interface Materialized {
  dir: string;
  /** Commit of the one-commit repository made from the tag's tree. */
  commit: string;
  dispose(): Promise<void>;
}

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await exec('git', ['-c', 'user.name=self-heal-bench', '-c', 'user.email=bench@self-heal.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** The project at `where`: a bare git dir, a `.git` folder, or a checkout. A plain-words error otherwise. */
export async function openProject(where: string): Promise<BugsJsProject> {
  const absolute = path.resolve(where);
  let gitDir: string;
  try {
    gitDir = (await git(['rev-parse', '--absolute-git-dir'], absolute)).trim();
  } catch {
    throw new Error(`${absolute} is not a git repository (a bare git dir or a checkout of a BugsJS project was expected).`);
  }
  // `.git` and a generic `repo` folder say nothing; the mirror's `BugsJS+name` prefix is noise.
  let named = gitDir;
  while (['.git', 'repo'].includes(path.basename(named)) && path.dirname(named) !== named) named = path.dirname(named);
  return {
    name: path
      .basename(named)
      .replace(/\.git$/, '')
      .replace(/^BugsJS\+/, ''),
    gitDir,
  };
}

/** Every N with both `Bug-N-test` and `Bug-N-full` tags, in order. */
export async function discoverBugs(project: BugsJsProject): Promise<Bug[]> {
  const tags = new Set((await git(['--git-dir', project.gitDir, 'tag', '--list', 'Bug-*'])).split('\n').map((t) => t.trim()));
  const numbers = [...tags].map((t) => /^Bug-(\d+)-test$/.exec(t)?.[1]).filter((n): n is string => n !== undefined && tags.has(`Bug-${n}-full`));
  if (numbers.length === 0) throw new Error(`${project.gitDir} has no Bug-N-test / Bug-N-full tag pairs; is it a BugsJS project?`);
  return numbers
    .map(Number)
    .sort((a, b) => a - b)
    .map((number) => ({ number, buggyTag: `Bug-${number}-test`, fixedTag: `Bug-${number}-full` }));
}

/** Text of `file` at `tag`, or undefined when the file does not exist there. */
export async function fileAt(project: BugsJsProject, tag: string, file: string): Promise<string | undefined> {
  try {
    return await git(['--git-dir', project.gitDir, 'show', `${tag}:${file}`]);
  } catch {
    return undefined;
  }
}

/** Files that differ between two tags. */
export async function changedFiles(project: BugsJsProject, from: string, to: string): Promise<string[]> {
  return (await git(['--git-dir', project.gitDir, 'diff', '--name-only', '--no-renames', from, to])).split('\n').filter(Boolean);
}

function untar(archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-x', '-f', archive, '-C', into], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`))));
  });
}

/** The tree of `tag` in a fresh temp repository with one commit: the tag's history is not there. */
export async function materialize(project: BugsJsProject, tag: string, label: string): Promise<Materialized> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `self-heal-bugsjs-${label.replace(/[^\w-]/g, '_')}-`)));
  const dispose = (): Promise<void> => fs.rm(dir, { recursive: true, force: true });
  try {
    const archive = `${dir}.tar`;
    await git(['--git-dir', project.gitDir, 'archive', '--format=tar', '-o', archive, tag]);
    await untar(archive, dir).finally(() => fs.rm(archive, { force: true }));
    await git(['init', '-q', '-b', 'main'], dir);
    // node_modules is a link to a shared install; it must never be committed or look like a change.
    await fs.appendFile(path.join(dir, '.git', 'info', 'exclude'), '\nnode_modules\n');
    await git(['add', '-A', '-f', '.'], dir);
    await git(['commit', '-q', '--no-verify', '-m', `${project.name} ${tag} (materialized without history)`], dir);
    const commit = (await git(['rev-parse', 'HEAD'], dir)).trim();
    return { dir, commit, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

/** The package.json fields that decide what npm installs. */
export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * Gives a materialized buggy tree the fixed version's dependency ranges (and lockfile), amending
 * its one commit so the tree stays clean. Self-Heal repairs source code. When the developers' fix
 * also moves a dependency (a newer test helper, say), a revealing test can fail on the buggy
 * install for a reason no source edit reaches, and the bug would measure the install, not the
 * repair. With the same dependencies on both sides, the revealing tests are the ones the source
 * change decides; a bug whose fix is only the upgrade then has none and is skipped. Returns
 * whether anything changed.
 */
export async function adoptDependencies(buggyDir: string, fixedDir: string): Promise<boolean> {
  const read = (dir: string, file: string): Promise<string | undefined> => fs.readFile(path.join(dir, file), 'utf8').catch(() => undefined);
  const [buggyText, fixedText] = [await read(buggyDir, 'package.json'), await read(fixedDir, 'package.json')];
  if (buggyText === undefined || fixedText === undefined) return false;
  const buggy = JSON.parse(buggyText) as Record<string, unknown>;
  const fixed = JSON.parse(fixedText) as Record<string, unknown>;
  let changed = false;
  for (const field of DEPENDENCY_FIELDS) {
    if (JSON.stringify(buggy[field]) === JSON.stringify(fixed[field])) continue;
    if (fixed[field] === undefined) delete buggy[field];
    else buggy[field] = fixed[field];
    changed = true;
  }
  if (changed) await fs.writeFile(path.join(buggyDir, 'package.json'), JSON.stringify(buggy, null, 2) + '\n');
  for (const lock of LOCKFILES) {
    const [before, after] = [await read(buggyDir, lock), await read(fixedDir, lock)];
    if (before === after) continue;
    if (after === undefined) await fs.rm(path.join(buggyDir, lock));
    else await fs.writeFile(path.join(buggyDir, lock), after);
    changed = true;
  }
  if (changed) {
    await git(['add', '-A', '-f', '.'], buggyDir);
    await git(['commit', '-q', '--no-verify', '--amend', '--no-edit'], buggyDir);
  }
  return changed;
}

/** True when `commit` (e.g. the fix) can be read from the repository at `dir`. */
export async function reachable(dir: string, commit: string): Promise<boolean> {
  return git(['cat-file', '-e', `${commit}^{commit}`], dir).then(
    () => true,
    () => false,
  );
}

export async function tagCommit(project: BugsJsProject, tag: string): Promise<string> {
  return (await git(['--git-dir', project.gitDir, 'rev-parse', `${tag}^{commit}`])).trim();
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Installs the workspace's dependencies from the npm registry into a shared folder keyed by its
 * package.json (and lockfile), and links them in as node_modules: bugs of one project mostly share
 * a package.json, and an old project's install takes minutes. No dependencies: nothing to do.
 */
export async function installDependencies(dir: string, cacheRoot: string, timeoutMs: number): Promise<{ reused: boolean; ms: number } | undefined> {
  const manifest = await fs.readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (manifest === undefined) throw new Error('the project has no package.json, so its tests cannot be run with npm test');
  const pkg = JSON.parse(manifest) as PackageJson;
  const count = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).length;
  if (count === 0) return undefined;
  const hash = createHash('sha256').update(manifest);
  const locks: Array<[string, string]> = [];
  for (const lock of LOCKFILES) {
    const text = await fs.readFile(path.join(dir, lock), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      hash.update(`\0${lock}\0${text}`);
      locks.push([lock, text]);
    }
  }
  const installDir = path.join(cacheRoot, 'installs', hash.digest('hex').slice(0, 16));
  const done = path.join(installDir, '.installed');
  const started = Date.now();
  const reused = await fs.access(done).then(
    () => true,
    () => false,
  );
  if (!reused) {
    await fs.rm(installDir, { recursive: true, force: true });
    await fs.mkdir(installDir, { recursive: true });
    await fs.writeFile(path.join(installDir, 'package.json'), manifest);
    for (const [lock, text] of locks) await fs.writeFile(path.join(installDir, lock), text);
    const args = [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--legacy-peer-deps',
      '--prefer-offline',
      '--loglevel=error',
      '--cache',
      path.join(cacheRoot, 'npm-cache'),
    ];
    try {
      // The one step that may use the registry (the suite keeps every test run offline).
      await exec('npm', args, {
        cwd: installDir,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, npm_config_offline: 'false' },
      });
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '')
        .trim()
        .split('\n')
        .slice(-5)
        .join('\n');
      throw new Error(`npm install failed: ${stderr || (error as Error).message}`);
    }
    await fs.writeFile(done, new Date().toISOString());
  }
  await fs.rm(path.join(dir, 'node_modules'), { recursive: true, force: true });
  await fs.symlink(path.join(installDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { reused, ms: Date.now() - started };
}
