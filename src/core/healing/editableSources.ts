/**
 * Which suspicious files Self-Heal may edit. It never edits a file it cannot write back exactly:
 * binary or over 1 MB, not UTF-8 (rewriting would change bytes it cannot read), or reached
 * through a symbolic link that leads out of the workspace (the write would land outside it).
 */
import type { Location } from '../model';
import type { Log } from '../ports';
import type { Sandbox } from '../verify/sandbox';
import type { SourceFile } from './mutation/engine';

export const MAX_EDITABLE_CHARS = 1_000_000;

export interface EditableSources {
  files: SourceFile[];
  /** Why each suspicious file that is left alone was left alone, in plain words. */
  skipped: string[];
}

export async function editableSources(locations: Location[], sandbox: Sandbox, log: Log): Promise<EditableSources> {
  const files: SourceFile[] = [];
  const skipped: string[] = [];
  for (const file of new Set(locations.map((l) => l.file))) {
    const text = await sandbox.read(file);
    if (text === undefined) continue;
    const why = await reasonToSkip(file, text, sandbox);
    if (why) {
      log.info(`Skipping ${why}.`);
      skipped.push(why);
    } else files.push({ file, text });
  }
  return { files, skipped };
}

async function reasonToSkip(file: string, text: string, sandbox: Sandbox): Promise<string | undefined> {
  const outside = await sandbox.outside(file);
  if (outside) return `${file} is reached through a symbolic link that leads outside the workspace (to ${outside}), and Self-Heal does not write through links`;
  if (text.length > MAX_EDITABLE_CHARS || text.includes('\u0000')) return `${file} is binary or larger than 1 MB`;
  // Invalid UTF-8 decodes to U+FFFD; writing the text back would replace bytes outside the fix.
  if (text.includes('\uFFFD')) return `${file} is not UTF-8 text, and rewriting it would change bytes Self-Heal cannot read`;
  return undefined;
}
