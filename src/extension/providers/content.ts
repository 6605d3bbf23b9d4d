/**
 * Virtual documents for diffs, under the `self-heal:` scheme. The path ends with the file's own
 * path so VS Code picks the right language:
 *   self-heal:/fix/<outcomeId>/<file>             a verified fix's text, from the FixCache
 *   self-heal:/record/<id>/(before|after)/<file>   a ledger record's texts, for Show Diff
 */
import * as vscode from 'vscode';
import type { HealOutcome } from '../../core/api';
import type { HealRecord } from '../../core/model';

export const SCHEME = 'self-heal';

export type SelfHealUri = { kind: 'fix'; id: string; file: string } | { kind: 'record'; id: string; side: 'before' | 'after'; file: string };

export function fixUri(outcomeId: string, file: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/fix/${encodeURIComponent(outcomeId)}/${file}` });
}

export function recordUri(recordId: string, side: 'before' | 'after', file: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/record/${encodeURIComponent(recordId)}/${side}/${file}` });
}

export function parseSelfHealUri(uri: vscode.Uri): SelfHealUri | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const fix = /^\/fix\/([^/]+)\/(.+)$/.exec(uri.path);
  if (fix) return { kind: 'fix', id: decodeURIComponent(fix[1]!), file: fix[2]! };
  const record = /^\/record\/([^/]+)\/(before|after)\/(.+)$/.exec(uri.path);
  if (record) return { kind: 'record', id: decodeURIComponent(record[1]!), side: record[2] as 'before' | 'after', file: record[3]! };
  return undefined;
}

export class SelfHealContent implements vscode.TextDocumentContentProvider {
  constructor(
    /** The verified fix with this outcome id, in whichever folder holds it. */
    private readonly outcome: (outcomeId: string) => HealOutcome | undefined,
    /** The heal with this id, in whichever folder's history has it. */
    private readonly record: (recordId: string) => Promise<HealRecord | undefined>,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseSelfHealUri(uri);
    if (parsed?.kind === 'fix') {
      const text = this.outcome(parsed.id)?.fix?.after[parsed.file];
      return text ?? `// This Self-Heal fix is no longer available (applied or discarded).\n`;
    }
    if (parsed?.kind === 'record') {
      const record = await this.record(parsed.id);
      const text = record?.[parsed.side][parsed.file];
      return text ?? `// Heal ${parsed.id} is not in the history.\n`;
    }
    return '';
  }
}
