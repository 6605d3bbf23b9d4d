/**
 * The audit ledger (paper §4.4, "record"): append-only JSON lines. Each record is one write of
 * one whole line followed by fsync, so a kill -9 can at worst leave a torn last line, which
 * reading skips. Lines that fail validation are skipped too, and counted, never fatal.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { HealRecord, SelfHealError } from '../model';
import type { Ledger, Log } from '../ports';

export class JsonlLedger implements Ledger {
  /** Lines skipped by the last read because they were torn or invalid. */
  skipped = 0;

  constructor(
    readonly filePath: string,
    private readonly log?: Log,
  ) {}

  async append(record: HealRecord): Promise<void> {
    const line = JSON.stringify(HealRecord.parse(record)) + '\n';
    await fs.mkdir(path.dirname(this.filePath), { recursive: true });
    // A torn last line (no newline) from a killed writer must not swallow this record.
    const existing = await fs.stat(this.filePath).catch(() => undefined);
    let prefix = '';
    if (existing && existing.size > 0) {
      const handle = await fs.open(this.filePath, 'r');
      try {
        const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, existing.size - 1);
        if (buffer[0] !== 0x0a) prefix = '\n';
      } finally {
        await handle.close();
      }
    }
    const handle = await fs.open(this.filePath, 'a');
    try {
      await handle.write(prefix + line);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async read(): Promise<HealRecord[]> {
    const text = await fs.readFile(this.filePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw new SelfHealError('BAD_INPUT', `Cannot read the heal history ${this.filePath} (${error.code ?? error.message}). Move it aside to start a new one.`);
    });
    const records: HealRecord[] = [];
    this.skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        this.skipped++;
        continue;
      }
      const parsed = HealRecord.safeParse(json);
      if (parsed.success) records.push(parsed.data);
      else this.skipped++;
    }
    if (this.skipped > 0) this.log?.warn(`Ledger ${this.filePath}: skipped ${this.skipped} unreadable line(s).`);
    return records;
  }
}

/** Where the CLI keeps the ledger: `.self-heal/ledger.jsonl` in the workspace (gitignored by its own .gitignore). */
export function workspaceLedgerPath(root: string): string {
  return path.join(root, '.self-heal', 'ledger.jsonl');
}
