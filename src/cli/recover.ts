/** What every CLI command does first: clean up after a run that was killed. */
import * as fs from 'node:fs';
import { SelfHealError } from '../core/model';
import type { Log } from '../core/ports';
import { recoverInterruptedChange, JsonlLedger, workspaceLedgerPath } from '../core/pipeline';
import type { DiskFiles } from './adapters/files';

/**
 * What a killed run left: temp files of a write, and a ledger record whose write never happened.
 * Never waits: while another run holds the workspace, that run's own apply or revert settles it.
 */
export async function recoverInterrupted(files: DiskFiles, log: Log): Promise<void> {
  await files.removeInterruptedWrites();
  if (!fs.existsSync(workspaceLedgerPath(files.root))) return;
  const settled = await recoverInterruptedChange(files, new JsonlLedger(workspaceLedgerPath(files.root), log), { waitMs: 0 }).catch((error: unknown) => {
    if (error instanceof SelfHealError && error.code === 'BUSY') return undefined;
    throw error;
  });
  if (settled)
    log.info(
      `The last change in the heal history (${settled.file}) was not on disk (a run stopped before writing it, or it was undone by hand), so the history now records it as undone.`,
    );
}
