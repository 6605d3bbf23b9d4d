/** The CLI's view of the user's files: the disk, with atomic replace (temp file + rename). */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SelfHealError } from '../../core/model';
import type { WorkspaceFiles } from '../../core/ports';

export class DiskFiles implements WorkspaceFiles {
  constructor(readonly root: string) {}

  private resolve(rel: string): string {
    const abs = path.resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) throw new SelfHealError('BAD_INPUT', `Refusing to touch a file outside the workspace: ${rel}`);
    return abs;
  }

  async read(rel: string): Promise<string | undefined> {
    return fs.readFile(this.resolve(rel), 'utf8').catch(() => undefined);
  }

  async unsavedBuffers(): Promise<Record<string, string>> {
    return {}; // a terminal has no editor buffers
  }

  async replace(rel: string, expected: string, next: string): Promise<void> {
    const target = this.resolve(rel);
    const stat = await fs.lstat(target).catch(() => undefined);
    // Writing through a symlink could change a file outside the workspace.
    if (stat?.isSymbolicLink()) throw new SelfHealError('BAD_INPUT', `${rel} is a symbolic link; Self-Heal does not write through links.`);
    const current = await fs.readFile(target, 'utf8').catch(() => undefined);
    if (current !== expected) throw new SelfHealError('STALE', `${rel} changed since the fix was verified, so it was not written. Run the heal again.`);
    const temp = `${target}.self-heal-${process.pid}.tmp`;
    await fs.writeFile(temp, next, { mode: stat?.mode });
    const handle = await fs.open(temp, 'r+');
    await handle.sync();
    await handle.close();
    await fs.rename(temp, target);
  }
}
