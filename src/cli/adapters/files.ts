/** The CLI's view of the user's files: the disk, with atomic replace (temp file + rename). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SelfHealError } from '../../core/model';
import { ensureSelfHealFolder, isAlive } from '../../core/pipeline';
import type { WorkspaceFiles } from '../../core/ports';

export class DiskFiles implements WorkspaceFiles {
  constructor(readonly root: string) {}

  private resolve(rel: string): string {
    const abs = path.resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep))
      throw new SelfHealError('BAD_INPUT', `Refusing to touch a file outside the workspace: ${rel}`);
    return abs;
  }

  async read(rel: string): Promise<string | undefined> {
    return fs.readFile(this.resolve(rel), 'utf8').catch(() => undefined);
  }

  async unsavedBuffers(): Promise<Record<string, string>> {
    return {}; // a terminal has no editor buffers
  }

  /** Temp files of an apply live here (Self-Heal's own, self-ignored folder), never among the user's files. */
  private get tempDir(): string {
    return path.join(this.root, '.self-heal', 'tmp');
  }

  /** Remove temp files left by a run that was killed in the middle of a write. */
  async removeInterruptedWrites(): Promise<void> {
    for (const name of await fs.readdir(this.tempDir).catch(() => [] as string[])) {
      const pid = Number(name.split('-')[0]);
      if (pid !== process.pid && !isAlive(pid)) await fs.rm(path.join(this.tempDir, name), { force: true });
    }
  }

  async replace(rel: string, expected: string, next: string): Promise<void> {
    const target = this.resolve(rel);
    const root = await fs.realpath(this.root);
    const folder = await fs.realpath(path.dirname(target)).catch(() => path.dirname(target));
    // Writing through a symlink (the file, or a folder on its path) could change a file outside the workspace.
    if (folder !== root && !folder.startsWith(root + path.sep))
      throw new SelfHealError(
        'BAD_INPUT',
        `${rel} is inside a symbolic link that leads outside the workspace (to ${folder}); Self-Heal does not write through links.`,
      );
    const stat = await fs.lstat(target).catch(() => undefined);
    if (stat?.isSymbolicLink()) throw new SelfHealError('BAD_INPUT', `${rel} is a symbolic link; Self-Heal does not write through links.`);
    const raw = await fs.readFile(target).catch(() => undefined);
    const current = raw?.toString('utf8');
    if (current !== expected) throw new SelfHealError('STALE', `${rel} changed since the fix was verified, so it was not written. Run the heal again.`);
    if (raw && !Buffer.from(current!, 'utf8').equals(raw))
      throw new SelfHealError('BAD_INPUT', `${rel} is not UTF-8 text; Self-Heal does not rewrite it, so none of its bytes change.`);
    await ensureSelfHealFolder(this.root);
    await fs.mkdir(this.tempDir, { recursive: true });
    const temp = path.join(this.tempDir, `${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    await fs.writeFile(temp, next, { mode: stat?.mode });
    const handle = await fs.open(temp, 'r+');
    await handle.sync();
    await handle.close();
    await fs.rename(temp, target);
  }
}
