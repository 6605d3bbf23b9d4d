/**
 * Where the heal history lives: one ledger per workspace folder, `.self-heal/ledger.jsonl`, shared
 * by the CLI and the extension, so a heal applied by one is listed and reverted by the other
 * (issue 15 §7). The workspace lock (verify/lock.ts) already keeps their appends apart.
 *
 * The extension used to keep its ledger under its workspace storage. `moveOldLedger` moves those
 * records into the shared ledger once, rather than reading both files forever: only then does the
 * CLI see (and can revert) the heals applied in VS Code, and there is one file to back up. The old
 * file is kept, renamed, so nothing is lost if the move surprises anyone.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { HealRecord } from '../model';
import type { Log } from '../ports';
import { withWorkspaceLock } from '../verify/lock';
import { JsonlLedger, workspaceLedgerPath } from './ledger';

/** What the old ledger is renamed to once its records are in the workspace's ledger. */
export const MOVED_SUFFIX = '.moved-to-workspace';

/**
 * Self-Heal's own folder in a workspace (`.self-heal`: the ledger, the CLI's temp files). It ignores
 * itself, so nothing in it shows in the user's `git status`, nor in the workspace state a fix was
 * verified on (which is why it must exist before the first line of the ledger is written).
 */
export async function ensureSelfHealFolder(root: string): Promise<string> {
  const dir = path.dirname(workspaceLedgerPath(root));
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
  return dir;
}

/** The workspace folder's ledger; appending creates its self-ignoring folder first. */
export class WorkspaceLedger extends JsonlLedger {
  constructor(
    readonly root: string,
    log?: Log,
  ) {
    super(workspaceLedgerPath(root), log);
  }

  override async append(record: HealRecord): Promise<void> {
    await ensureSelfHealFolder(this.root);
    await super.append(record);
  }
}

/**
 * Move the records of an old per-editor ledger (`oldPath`) into `root`'s workspace ledger, once.
 * The result is both sets of records by time, each id once, so a move that was interrupted before
 * the old file was renamed can run again without doubling anything. Written to a temp file and
 * renamed over the ledger under the workspace lock, so a CLI run never sees half of it.
 * Returns how many records were moved (0 when there was nothing to move). Never waits: it throws
 * BUSY at once while another run holds the workspace (a heal can hold it for minutes), and the
 * caller tries again later.
 */
export async function moveOldLedger(oldPath: string, root: string, log?: Log): Promise<number> {
  const exists = await fs.stat(oldPath).then(
    () => true,
    () => false,
  );
  if (!exists) return 0;
  return withWorkspaceLock(root, { owner: 'the VS Code extension' }, async () => {
    const old = await new JsonlLedger(oldPath, log).read();
    const target = new WorkspaceLedger(root, log);
    const current = await target.read();
    const known = new Set(current.map((record) => record.id));
    const moved = old.filter((record) => !known.has(record.id));
    if (moved.length > 0) {
      // A stable sort keeps records with equal times (an apply and its settling undo) in their order.
      const merged = [...current, ...moved]
        .map((record, index) => ({ record, index, at: Date.parse(record.at) || 0 }))
        .sort((a, b) => a.at - b.at || a.index - b.index);
      await ensureSelfHealFolder(root);
      await replaceFile(target.filePath, merged.map(({ record }) => JSON.stringify(HealRecord.parse(record)) + '\n').join(''));
    }
    await fs.rename(oldPath, oldPath + MOVED_SUFFIX);
    log?.info(
      `heal history: moved ${moved.length} record(s) from ${oldPath} into ${target.filePath}, the history the CLI shares (the old file is kept as ${path.basename(oldPath)}${MOVED_SUFFIX})`,
    );
    return moved.length;
  });
}

/** Write `text` whole: a temp file next to `file`, fsynced, then renamed over it. */
async function replaceFile(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}
