/**
 * What touches the user's files: writing a verified fix, and undoing it. Both check first that
 * the files still hold exactly the text the change was made for, and refuse as stale otherwise.
 */
import { randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { HealOutcome } from '../api';
import { SelfHealError, type HealRecord } from '../model';
import type { Ledger, WorkspaceFiles } from '../ports';
import { healRecordFor } from './healRecord';

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
  await checkUnchanged(files, fix.before, 'the fix was verified');
  for (const [file, text] of Object.entries(fix.after)) await files.replace(file, fix.before[file], text);
  const record = healRecordFor(outcome, files.root, 'apply');
  await ledger.append(record);
  return record;
}

async function checkUnchanged(files: WorkspaceFiles, expected: Record<string, string>, since: string): Promise<void> {
  for (const [file, text] of Object.entries(expected)) {
    const current = await files.read(file);
    if (current !== text) {
      throw new SelfHealError('STALE', current === undefined ? `${file} no longer exists, so the change was not applied.` : `${file} changed since ${since}, so the change was not applied. Run the heal again on the current text.`);
    }
  }
}

/** Undo an applied heal, if the files still hold exactly what it wrote, and record the revert. */
export async function revertHeal(id: string, files: WorkspaceFiles, ledger: Ledger): Promise<HealRecord> {
  const records = await ledger.read();
  const applied = records.find((r) => r.kind === 'apply' && r.id === id);
  if (!applied) throw new SelfHealError('NOT_FOUND', `No applied heal with id ${id}. See \`self-heal history\` for the ids.`);
  if (records.some((r) => r.kind === 'revert' && r.reverts === id)) throw new SelfHealError('BAD_INPUT', `Heal ${id} was already reverted.`);
  await checkUnchanged(files, applied.after, 'the heal was applied');
  for (const [file, text] of Object.entries(applied.before)) await files.replace(file, applied.after[file], text);
  const record: HealRecord = { ...applied, id: newId(), kind: 'revert', at: new Date().toISOString(), reverts: id, diff: unifiedDiff(applied.after, applied.before), before: applied.after, after: applied.before };
  await ledger.append(record);
  return record;
}
