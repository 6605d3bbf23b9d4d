/**
 * What touches the user's files: writing a verified fix, and undoing it. Both check first that
 * the files still hold exactly the text the change was made for, and refuse as stale otherwise.
 * Both hold the workspace lock, and both write the ledger record before the files (write-ahead),
 * so no crash can leave changed text without the record that reverts it. Everything here takes
 * its turn (`serial`) with the rest of this process's changes to the same workspace, so none of
 * them reads the ledger between another's record and its write.
 */
import { randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { HealOutcome } from '../api';
import { SelfHealError, type HealRecord } from '../model';
import type { Ledger, WorkspaceFiles } from '../ports';
import { workspaceState } from '../verify/sandbox';
import { withWorkspaceLock } from '../verify/lock';
import { healRecordFor } from './healRecord';
import { UNDONE_OUTSIDE } from '../labels';

/** How long an apply or revert waits for another Self-Heal run on the same workspace to finish. */
const LOCK_WAIT_MS = 30_000;

export const newId = (): string => `h-${randomBytes(4).toString('hex')}`;

export function unifiedDiff(before: Record<string, string>, after: Record<string, string>): string {
  return Object.keys(after)
    .map((file) => createTwoFilesPatch(`a/${file}`, `b/${file}`, before[file] ?? '', after[file], undefined, undefined, { context: 3 }).replace(/^=+\n/, ''))
    .join('');
}

/** Write a verified fix into the user's files, if they still hold the verified text, and record it. */
export async function applyFix(outcome: HealOutcome, files: WorkspaceFiles, ledger: Ledger): Promise<HealRecord> {
  const fix = outcome.fix;
  if (!fix) throw new SelfHealError('NOT_FOUND', 'This heal has no verified fix to apply.');
  return withWorkspaceLock(files.root, { waitMs: LOCK_WAIT_MS, serial: true }, async () => {
    const { records } = await settleInterruptedChange(files, ledger);
    await checkUnchanged(files, fix.before, 'the fix was verified');
    // Compared as at heal time: disk with unsaved buffers over it, and Self-Heal's own later writes
    // counted at their verified text, so only the user's changes make the fix stale.
    if (
      fix.state &&
      (await workspaceState(files.root, { ...(await files.unsavedBuffers()), ...(await ownWritesSince(records, files, fix.state.at)) })) !== fix.state.id
    ) {
      throw new SelfHealError(
        'STALE',
        'Files the tests read changed since the fix was verified (another branch, a pull, or other edits), so the change was not applied. Run the heal again.',
      );
    }
    const record = healRecordFor(outcome, files.root, 'apply');
    await ledger.append(record);
    await replaceAll(files, record, ledger);
    return record;
  });
}

/** Undo an applied heal, if the files still hold exactly what it wrote, and record the revert. */
export async function revertHeal(id: string, files: WorkspaceFiles, ledger: Ledger): Promise<HealRecord> {
  return withWorkspaceLock(files.root, { waitMs: LOCK_WAIT_MS, serial: true }, async () => {
    const { records } = await settleInterruptedChange(files, ledger);
    const applied = records.find((r) => r.kind === 'apply' && r.id === id);
    if (!applied) throw new SelfHealError('NOT_FOUND', `No applied heal with id ${id}. See \`self-heal history\` for the ids.`);
    if (records.some((r) => r.kind === 'revert' && r.reverts === id)) throw new SelfHealError('BAD_INPUT', `Heal ${id} was already reverted.`);
    await checkUnchanged(files, applied.after, 'the heal was applied');
    const record = undoRecordOf(applied);
    await ledger.append(record);
    await replaceAll(files, record, ledger);
    return record;
  });
}

/**
 * Records go first (write-ahead), so a run killed between its ledger line and its file write
 * leaves a last record whose files still hold its `before` text. The next apply, revert or CLI run
 * settles it with a record that undoes it, so the ledger again says what is on disk (a change
 * the user undid by hand is recorded the same way, which is just as true).
 * Returns the record it added, if any.
 */
export async function recoverInterruptedChange(files: WorkspaceFiles, ledger: Ledger, options: { waitMs?: number } = {}): Promise<HealRecord | undefined> {
  return withWorkspaceLock(
    files.root,
    { waitMs: options.waitMs ?? LOCK_WAIT_MS, serial: true },
    async () => (await settleInterruptedChange(files, ledger)).settled,
  );
}

export { UNDONE_OUTSIDE };

/** A record `recordOutsideChanges` added, and the apply record whose change it follows. */
export interface OutsideChange {
  record: HealRecord;
  of: HealRecord;
}

/**
 * Keep the ledger saying what is in the files when people undo or redo a heal themselves (Ctrl+Z
 * in the editor, a checkout, another tool; issue 15 §8): an applied heal whose files all hold its
 * `before` text again gets a revert record, and a reverted heal whose files all hold its `after`
 * text again (Ctrl+Y after that undo) gets an apply record. Only exact text counts: a file edited
 * into something else keeps its heal as it was, and Revert then refuses it as changed.
 * For a redo, only the latest heal of its files is considered, so the same fix is not recorded
 * twice. `files.read` gives what the editor shows (unsaved buffers first).
 */
export async function recordOutsideChanges(files: WorkspaceFiles, ledger: Ledger, options: { waitMs?: number } = {}): Promise<OutsideChange[]> {
  return withWorkspaceLock(files.root, { waitMs: options.waitMs ?? LOCK_WAIT_MS, serial: true }, async () => {
    // Not settleInterruptedChange first: it would word an undo of the last heal as a write that never happened.
    const records = await ledger.read();
    const reverted = new Set(records.filter((r) => r.kind === 'revert' && r.reverts).map((r) => r.reverts!));
    const applies = records.filter((r) => r.kind === 'apply' && Object.keys(r.after).some((rel) => r.before[rel] !== r.after[rel]));
    const latestOf = new Map<string, HealRecord>();
    for (const r of applies) for (const rel of Object.keys(r.after)) latestOf.set(rel, r);
    const added: OutsideChange[] = [];
    for (const applied of applies) {
      const rels = Object.keys(applied.after);
      if (!reverted.has(applied.id)) {
        if (await firstDifference(files, applied.before)) continue;
        const record = { ...undoRecordOf(applied), summary: `${applied.summary}${UNDONE_OUTSIDE}` };
        await ledger.append(record);
        added.push({ record, of: applied });
      } else if (rels.every((rel) => latestOf.get(rel) === applied) && !(await firstDifference(files, applied.after))) {
        const record: HealRecord = { ...applied, id: newId(), at: new Date().toISOString() };
        await ledger.append(record);
        added.push({ record, of: applied });
      }
    }
    return added;
  });
}

/** Settle the last record when its write never happened; the ledger's records afterwards, read once. */
async function settleInterruptedChange(files: WorkspaceFiles, ledger: Ledger): Promise<{ records: HealRecord[]; settled?: HealRecord }> {
  const records = await ledger.read();
  const last = records.at(-1);
  if (!last || last.kind === 'decision') return { records };
  const rels = Object.keys(last.after);
  if (rels.length === 0 || rels.every((rel) => last.before[rel] === last.after[rel])) return { records };
  if (await firstDifference(files, Object.fromEntries(rels.map((rel) => [rel, last.before[rel]])))) return { records };
  const settled = undoRecordOf(last);
  settled.summary = `${last.summary} (not written: its files still held the text from before it)`;
  await ledger.append(settled);
  return { records: [...records, settled], settled };
}

/** The record that undoes `record`: a revert of an apply, or the heal applied again for a revert. */
function undoRecordOf(record: HealRecord): HealRecord {
  const reverting = record.kind === 'apply';
  return {
    ...record,
    id: newId(),
    kind: reverting ? 'revert' : 'apply',
    at: new Date().toISOString(),
    reverts: reverting ? record.id : undefined,
    diff: unifiedDiff(record.after, record.before),
    before: record.after,
    after: record.before,
  };
}

/**
 * Files that Self-Heal's own applies changed since `since` (the CLI applies every fix of a run in
 * turn), counted at the text they had when the fix was verified: only the user's changes make it stale.
 */
async function ownWritesSince(records: HealRecord[], files: WorkspaceFiles, since: string): Promise<Record<string, string>> {
  const asVerified: Record<string, string> = {};
  for (const r of records) {
    if (r.kind !== 'apply' || r.at < since) continue;
    for (const [rel, text] of Object.entries(r.after)) if ((await files.read(rel)) === text) asVerified[rel] = r.before[rel];
  }
  return asVerified;
}

/**
 * Write `record`'s change (its `before` → `after`). When a file fails, put back those already
 * written and record the undo, so the ledger keeps saying what is on disk.
 */
async function replaceAll(files: WorkspaceFiles, record: HealRecord, ledger: Ledger): Promise<void> {
  const written: string[] = [];
  try {
    for (const [file, text] of Object.entries(record.after)) {
      await files.replace(file, record.before[file], text);
      written.push(file);
    }
  } catch (error) {
    for (const file of written.reverse()) await files.replace(file, record.after[file], record.before[file]).catch(() => undefined);
    await ledger.append(undoRecordOf(record)).catch(() => undefined);
    throw error;
  }
}

/** The first file that does not hold its expected text (undefined `current`: it no longer exists), or undefined when all do. */
export async function firstDifference(
  files: WorkspaceFiles,
  expected: Record<string, string>,
): Promise<{ file: string; current: string | undefined } | undefined> {
  for (const [file, text] of Object.entries(expected)) {
    const current = await files.read(file);
    if (current !== text) return { file, current };
  }
  return undefined;
}

async function checkUnchanged(files: WorkspaceFiles, expected: Record<string, string>, since: string): Promise<void> {
  const changed = await firstDifference(files, expected);
  if (!changed) return;
  throw new SelfHealError(
    'STALE',
    changed.current === undefined
      ? `${changed.file} no longer exists, so the change was not applied.`
      : `${changed.file} changed since ${since}, so the change was not applied. Run the heal again on the current text.`,
  );
}
