/**
 * Template "missing dependency": the code imports a package that package.json does not list.
 * The fix is the package.json entry that `npm install <pkg>` would write (and the lockfile, when
 * npm can update it); it is verified by installing the package in the sandbox only. The user's
 * node_modules is never written: the sandbox's link to it is replaced, for the verifying run, by
 * a folder of links to each of its packages plus the newly installed one.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Candidate, TextEdit } from '../../model';
import { SelfHealError } from '../../model';
import { hostPlatform } from '../../verify/platform';
import { runProcess } from '../../verify/process';
import { isTestFile } from '../../analysis/localize';
import { type SourceFile } from '../mutation/engine';
import { applyEdits } from '../../edits';
import { jsonEdit, parseJsonObject } from './configEdit';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Installs packages into a scratch folder; npm by default, a fake in tests. */
export interface Installer {
  /** Install `pkg` under `<prefix>/node_modules` and return the installed version. */
  install(pkg: string, prefix: string, signal?: AbortSignal): Promise<string>;
  /** Bring `<dir>/package-lock.json` in line with `<dir>/package.json` without installing; false when it cannot. */
  updateLock(dir: string, signal?: AbortSignal): Promise<boolean>;
}

const NPM_FLAGS = '--ignore-scripts --no-audit --no-fund --loglevel=error';

/** npm with install scripts off: a package named by an error message is not trusted to run code at install. */
export const npmInstaller: Installer = {
  async install(pkg, prefix, signal) {
    await fs.writeFile(path.join(prefix, 'package.json'), '{}\n');
    const result = await runProcess({
      command: `npm install --no-save --no-package-lock ${NPM_FLAGS} ${hostPlatform.quote(pkg)}`,
      cwd: prefix,
      timeoutMs: 300_000,
      signal,
    });
    if (result.exitCode !== 0) throw new SelfHealError('BAD_INPUT', `npm could not install ${pkg}: ${result.output.trim().split('\n').slice(-3).join(' ')}`);
    return installedVersion(prefix, pkg);
  },
  async updateLock(dir, signal) {
    const result = await runProcess({ command: `npm install --package-lock-only ${NPM_FLAGS}`, cwd: dir, timeoutMs: 300_000, signal });
    return result.exitCode === 0;
  },
};

async function installedVersion(prefix: string, pkg: string): Promise<string> {
  const text = await fs.readFile(path.join(prefix, 'node_modules', pkg, 'package.json'), 'utf8').catch(() => '{}');
  const version = parseJsonObject(text)?.version;
  if (typeof version !== 'string') throw new SelfHealError('BAD_INPUT', `${pkg} was installed without a readable version.`);
  return version;
}

/** The command a person runs to add `pkg`, in the project's own package manager. */
export async function installCommand(pkg: string, dev: boolean, read: (rel: string) => Promise<string | undefined>): Promise<string> {
  if ((await read('pnpm-lock.yaml')) !== undefined) return `pnpm add ${dev ? '-D ' : ''}${pkg}`;
  if ((await read('yarn.lock')) !== undefined) return `yarn add ${dev ? '-D ' : ''}${pkg}`;
  return `npm install ${dev ? '--save-dev ' : ''}${pkg}`;
}

export type DependencyPlan =
  { kind: 'listed'; section: string; advice: string } | { kind: 'add'; pkg: string; section: 'dependencies' | 'devDependencies'; command: string };

/** Whether package.json lacks `pkg` (then where it belongs) or lists it (then it is only not installed). */
export async function planDependency(
  pkg: string,
  importer: string | undefined,
  read: (rel: string) => Promise<string | undefined>,
): Promise<DependencyPlan | string> {
  const text = await read('package.json');
  const json = text === undefined ? undefined : parseJsonObject(text);
  if (!json) return `The tests need the package ${pkg}, and there is no readable package.json to add it to.`;
  const listed = SECTIONS.find((s) => typeof json[s] === 'object' && json[s] !== null && pkg in (json[s] as object));
  if (listed)
    return {
      kind: 'listed',
      section: listed,
      advice: `${pkg} is in package.json (${listed}) but not installed here. Install the dependencies (npm ci, or npm install) before running the tests.`,
    };
  // Imported only by tests: a devDependency, as `npm install --save-dev` would make it.
  const dev = importer !== undefined && isTestFile(importer);
  return { kind: 'add', pkg, section: dev ? 'devDependencies' : 'dependencies', command: await installCommand(pkg, dev, read) };
}

/** The candidate that adds `pkg@^version` to package.json (and package-lock.json when npm could update it). */
export async function dependencyCandidate(
  plan: Extract<DependencyPlan, { kind: 'add' }>,
  version: string,
  read: (rel: string) => Promise<string | undefined>,
  installer: Installer,
  signal?: AbortSignal,
): Promise<{ candidate: Candidate; files: SourceFile[] }> {
  const pkgText = (await read('package.json')) ?? '{}';
  // In its alphabetical place inside an existing section; a new section goes last, as npm puts it.
  const hasSection = typeof parseJsonObject(pkgText)?.[plan.section] === 'object';
  const edits: TextEdit[] = jsonEdit('package.json', pkgText, [plan.section, plan.pkg], `^${version}`, hasSection);
  const files: SourceFile[] = [{ file: 'package.json', text: pkgText }];
  let note: string | undefined;
  const lock = await read('package-lock.json');
  if (lock !== undefined) {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'self-heal-lock-'));
    try {
      await fs.writeFile(path.join(scratch, 'package.json'), applyEdits(pkgText, edits));
      await fs.writeFile(path.join(scratch, 'package-lock.json'), lock);
      const updated = (await installer.updateLock(scratch, signal)) ? await fs.readFile(path.join(scratch, 'package-lock.json'), 'utf8') : undefined;
      if (updated !== undefined && updated !== lock) {
        edits.push({ file: 'package-lock.json', start: 0, end: lock.length, newText: updated });
        files.push({ file: 'package-lock.json', text: lock });
      } else note = `package-lock.json is not updated: run \`${plan.command}\``;
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }
  const candidate: Candidate = {
    id: `infra-dependency-${plan.pkg}`,
    engine: 'infra',
    operator: 'missing-dependency',
    summary: `add ${plan.pkg} ^${version} to ${plan.section} (as \`${plan.command}\` would)${note ? `; ${note}` : ''}`,
    edits,
    cost: 0,
    editsTests: false,
  };
  return { candidate, files };
}

/**
 * Make the packages under `extra` (a scratch `node_modules`) resolvable from `cwd` for one run,
 * without writing to the node_modules `cwd` links to. Returns the undo.
 */
export async function overlayNodeModules(cwd: string, extra: string): Promise<() => Promise<void>> {
  const target = path.join(cwd, 'node_modules');
  const stat = await fs.lstat(target).catch(() => undefined);
  const linkedTo = stat?.isSymbolicLink() ? await fs.readlink(target) : undefined;
  const added: string[] = [];
  const link = async (from: string, to: string): Promise<void> => {
    await hostPlatform.link(from, to);
    added.push(to);
  };
  // `into` is always a folder of this sandbox (never behind a link), so adding to it is safe.
  const merge = async (source: string, into: string): Promise<void> => {
    const mine = new Set(await fs.readdir(into).catch(() => [] as string[]));
    for (const name of await fs.readdir(source)) {
      if (!mine.has(name)) await link(path.join(source, name), path.join(into, name));
      else if (name.startsWith('@') && !(await fs.lstat(path.join(into, name))).isSymbolicLink()) await merge(path.join(source, name), path.join(into, name));
    }
  };
  if (linkedTo !== undefined) {
    // The sandbox's node_modules is a link to the user's: replace it by a folder of links.
    const real = path.resolve(cwd, linkedTo);
    await fs.unlink(target);
    await fs.mkdir(target);
    for (const name of await fs.readdir(real)) {
      if (name.startsWith('@')) {
        await fs.mkdir(path.join(target, name));
        for (const inner of await fs.readdir(path.join(real, name))) await hostPlatform.link(path.join(real, name, inner), path.join(target, name, inner));
      } else await hostPlatform.link(path.join(real, name), path.join(target, name));
    }
    await merge(extra, target);
    return async () => {
      await fs.rm(target, { recursive: true, force: true }); // removes links, never what they point to
      await hostPlatform.link(real, target);
    };
  }
  const created = stat === undefined;
  if (created) await fs.mkdir(target);
  await merge(extra, target);
  return async () => {
    if (created) await fs.rm(target, { recursive: true, force: true });
    // recursive: on Windows an entry may be a copy where no junction could go; a link is removed, not followed.
    else for (const p of added.reverse()) await fs.rm(p, { recursive: true, force: true });
  };
}
