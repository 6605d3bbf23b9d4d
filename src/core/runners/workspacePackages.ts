/**
 * The packages of a monorepo: npm and yarn `workspaces` (an array, or `{ packages }`) in the root
 * package.json, and pnpm's pnpm-workspace.yaml `packages:` list. A test in one package imports
 * another by its name, and the package manager links that name into node_modules; Self-Heal
 * follows the name to the package's own folder instead, so the fault is found, and healed, in the
 * package where it is (issue 13).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the workspace root, `/`-separated; '' for the root package itself. */
  dir: string;
  /** package.json's dependencies of every kind, by name. */
  dependsOn: string[];
}

export interface Workspace {
  /** Absolute folder that holds the root package.json. */
  root: string;
  packages: WorkspacePackage[];
}

type PackageJson = Record<string, unknown>;

export async function readJsonFile(file: string): Promise<PackageJson | undefined> {
  try {
    const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as PackageJson) : undefined;
  } catch {
    return undefined; // missing or not JSON: such a folder is simply not a package
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The `packages:` list of pnpm-workspace.yaml. Only that block-sequence subset of YAML is read
 * (`- "packages/*"`, comments, quotes), which is all pnpm documents for it.
 */
export function pnpmWorkspaceGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const raw of yaml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (!line.trim()) continue;
    if (/^\S/.test(line)) {
      inPackages = /^packages\s*:\s*$/.test(line);
      continue;
    }
    const item = inPackages ? /^\s+-\s*(['"]?)(.+?)\1\s*$/.exec(line) : null;
    if (item) globs.push(item[2]);
  }
  return globs;
}

async function workspaceGlobs(root: string, pkg: PackageJson | undefined): Promise<string[]> {
  const declared = pkg?.workspaces;
  const fromPackageJson = Array.isArray(declared) ? strings(declared) : strings((declared as { packages?: unknown } | undefined)?.packages);
  if (fromPackageJson.length > 0) return fromPackageJson;
  const yaml = await fs.readFile(path.join(root, 'pnpm-workspace.yaml'), 'utf8').catch(() => undefined);
  return yaml === undefined ? [] : pnpmWorkspaceGlobs(yaml);
}

/** Folders matching a workspace glob: literal segments, `*` for one folder level and `**` for any depth. */
async function expandGlob(root: string, glob: string): Promise<string[]> {
  const segments = glob.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter(Boolean);
  let found = [''];
  for (const [i, segment] of segments.entries()) {
    const next: string[] = [];
    for (const dir of found) {
      if (segment === '**') {
        next.push(...(await subfolders(root, dir, segments.length - i + 3)));
        continue;
      }
      if (!segment.includes('*')) {
        next.push(dir ? `${dir}/${segment}` : segment);
        continue;
      }
      const re = new RegExp(
        `^${segment
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*')}$`,
      );
      for (const name of await childFolders(root, dir)) if (re.test(name)) next.push(dir ? `${dir}/${name}` : name);
    }
    found = next;
  }
  return found.filter(Boolean);
}

async function childFolders(root: string, dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')).map((e) => e.name);
}

/** `dir` and its subfolders down to `depth` levels, outside node_modules. */
async function subfolders(root: string, dir: string, depth: number): Promise<string[]> {
  const out = [dir];
  if (depth === 0) return out;
  for (const name of await childFolders(root, dir)) out.push(...(await subfolders(root, dir ? `${dir}/${name}` : name, depth - 1)));
  return out;
}

function dependencyNames(pkg: PackageJson): string[] {
  const kinds = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
  return [...new Set(kinds.flatMap((k) => Object.keys((pkg[k] as Record<string, unknown> | undefined) ?? {})))];
}

/**
 * The workspace `root` belongs to: the nearest folder at or above it whose package.json (or
 * pnpm-workspace.yaml) declares workspaces that include `root`; otherwise `root` alone as a
 * one-package workspace (its own name still resolves to itself, as Node's self-reference does).
 */
export async function findWorkspace(root: string): Promise<Workspace> {
  const start = path.resolve(root);
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = await readJsonFile(path.join(dir, 'package.json'));
    const globs = await workspaceGlobs(dir, pkg);
    if (globs.length > 0) {
      const packages = await packagesOf(dir, pkg, globs);
      const rel = path.relative(dir, start).split(path.sep).join('/');
      if (rel === '' || packages.some((p) => p.dir === rel || rel.startsWith(`${p.dir}/`))) return { root: dir, packages };
    }
    if (path.dirname(dir) === dir || dir.split(path.sep).includes('node_modules')) break;
  }
  const own = await readJsonFile(path.join(start, 'package.json'));
  const name = typeof own?.name === 'string' ? own.name : undefined;
  return { root: start, packages: name ? [{ name, dir: '', dependsOn: dependencyNames(own!) }] : [] };
}

async function packagesOf(root: string, rootPkg: PackageJson | undefined, globs: string[]): Promise<WorkspacePackage[]> {
  const packages: WorkspacePackage[] = [];
  if (typeof rootPkg?.name === 'string') packages.push({ name: rootPkg.name, dir: '', dependsOn: dependencyNames(rootPkg) });
  const excluded = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1).replace(/^\.\//, '').replace(/\/+$/, ''));
  for (const glob of globs.filter((g) => !g.startsWith('!'))) {
    for (const dir of await expandGlob(root, glob)) {
      if (excluded.some((e) => dir === e || dir.startsWith(`${e}/`)) || packages.some((p) => p.dir === dir)) continue;
      const pkg = await readJsonFile(path.join(root, dir, 'package.json'));
      if (typeof pkg?.name === 'string') packages.push({ name: pkg.name, dir, dependsOn: dependencyNames(pkg) });
    }
  }
  return packages;
}

/** The packages that depend on `name`, directly or through other packages of the workspace. */
export function dependentsOf(workspace: Workspace, name: string): WorkspacePackage[] {
  const found = new Map<string, WorkspacePackage>();
  const visit = (target: string): void => {
    for (const p of workspace.packages) {
      if (found.has(p.name) || !p.dependsOn.includes(target)) continue;
      found.set(p.name, p);
      visit(p.name);
    }
  };
  visit(name);
  return [...found.values()];
}

/** The package whose folder holds `rel` (workspace-relative), the deepest one when folders nest. */
export function packageOf(workspace: Workspace, rel: string): WorkspacePackage | undefined {
  return workspace.packages.filter((p) => p.dir === '' || rel === p.dir || rel.startsWith(`${p.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
}

/**
 * A path through a package manager's link (`node_modules/@acme/text/src/x.js`) as the workspace
 * file it leads to (`packages/text/src/x.js`), so stack frames and coverage that name the link
 * count as project files. Other paths come back unchanged.
 */
export function throughWorkspaceLink(workspace: Workspace, rel: string): string {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/(.*))?$/.exec(rel);
  const pkg = m && workspace.packages.find((p) => p.name === m[1] && p.dir !== '');
  if (!m || !pkg) return rel;
  return m[2] ? `${pkg.dir}/${m[2]}` : pkg.dir;
}
