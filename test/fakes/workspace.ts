/**
 * In-memory fakes of the core's WorkspaceFiles and Ledger ports, for unit tests of what apply and
 * revert decide. `failOn` makes one file's write fail, as a full disk or a permission error would.
 */
import { SelfHealError, type HealRecord } from '../../src/core/model';
import type { Ledger, WorkspaceFiles } from '../../src/core/ports';

export class MemoryFiles implements WorkspaceFiles {
  readonly writes: string[] = [];
  failOn = new Set<string>();

  constructor(
    readonly root: string,
    readonly texts: Record<string, string>,
    readonly buffers: Record<string, string> = {},
  ) {}

  async read(rel: string): Promise<string | undefined> {
    return this.buffers[rel] ?? this.texts[rel];
  }

  async unsavedBuffers(): Promise<Record<string, string>> {
    return { ...this.buffers };
  }

  async replace(rel: string, expected: string, next: string): Promise<void> {
    if ((await this.read(rel)) !== expected) throw new SelfHealError('STALE', `${rel} changed`);
    if (this.failOn.has(rel)) throw new Error(`EACCES: permission denied, open '${rel}'`);
    this.texts[rel] = next;
    this.writes.push(rel);
  }
}

export class MemoryLedger implements Ledger {
  readonly records: HealRecord[] = [];
  failAppends = false;

  async append(record: HealRecord): Promise<void> {
    if (this.failAppends) throw new Error('EROFS: read-only file system');
    this.records.push(structuredClone(record));
  }

  async read(): Promise<HealRecord[]> {
    return structuredClone(this.records);
  }
}
