/**
 * node_modules for a monorepo's sandbox. A plain symlink to the workspace's node_modules would
 * send `require('@acme/text')` through the package manager's link (`node_modules/@acme/text →
 * ../../packages/text`) back into the USER's packages/text: the tests would run the user's code,
 * never the candidate written into the sandbox, and no cross-package fix could ever be verified.
 * So a workspace root gets a real node_modules folder whose entries link to the workspace's, except
 * links to the workspace's own packages, which lead to the sandbox's copy of the package instead.
 * Packages' own node_modules (pnpm keeps the links there) are treated the same way.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { findWorkspace } from '../runners/workspacePackages';
import { hostPlatform, type ProcessPlatform } from './platform';

/**
 * Mirror the node_modules folders of the monorepo `workspace` belongs to (its root's and each
 * package's) into the sandbox, with links to workspace packages re-pointed into the sandbox.
 * `workspace` may be the monorepo root or one of its packages (the sandbox clone holds the whole
 * repository either way). False, doing nothing, when `workspace` is not in a monorepo the sandbox holds.
 */
export async function linkWorkspaceModules(
  workspace: string,
  sandboxCwd: string,
  sandboxDir: string,
  platform: ProcessPlatform = hostPlatform,
): Promise<boolean> {
  const found = await findWorkspace(workspace);
  if (!found.packages.some((p) => p.dir !== '')) return false;
  const sandboxRoot = path.resolve(sandboxCwd, path.relative(workspace, found.root));
  // A monorepo root above what the sandbox holds (a copy of one package, a repository inside the monorepo) is not in it.
  if (
    path.relative(sandboxDir, sandboxRoot).startsWith('..') ||
    !(await fs.stat(sandboxRoot).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return false;
  const realWorkspace = await fs.realpath(found.root);
  for (const dir of ['', ...found.packages.map((p) => p.dir).filter(Boolean)]) {
    const modules = path.join(found.root, dir, 'node_modules');
    if (
      !(await fs.stat(modules).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      continue;
    await fs.rm(path.join(sandboxRoot, dir, 'node_modules'), { recursive: true, force: true });
    await mirror(modules, path.join(sandboxRoot, dir, 'node_modules'), realWorkspace, sandboxRoot, 0, platform);
  }
  return true;
}

async function mirror(from: string, to: string, realWorkspace: string, sandboxCwd: string, depth: number, platform: ProcessPlatform): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    // A scope folder (@acme) holds one link per package: look inside it.
    if (entry.name.startsWith('@') && entry.isDirectory() && depth === 0) {
      await mirror(source, target, realWorkspace, sandboxCwd, depth + 1, platform);
      continue;
    }
    const real = entry.isSymbolicLink() ? await fs.realpath(source).catch(() => undefined) : undefined;
    const inside =
      real !== undefined && real.startsWith(realWorkspace + path.sep) && !path.relative(realWorkspace, real).split(path.sep).includes('node_modules');
    await platform.link(inside ? path.join(sandboxCwd, path.relative(realWorkspace, real)) : source, target);
  }
}
