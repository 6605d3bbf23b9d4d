/**
 * Recent history of a suspicious file: the last commits that touched it, each with its message
 * and that file's diff, trimmed. A recent change is often the regression (paper §4.2, "git
 * recency"). The sandbox is a git worktree sharing the user's history, or a plain copy without
 * any: then there is simply no history to show.
 */
import { simpleGit } from 'simple-git';
import { SelfHealError } from '../../model';
import type { Log } from '../../ports';

export interface CommitNote {
  hash: string;
  date: string;
  message: string;
  /** The file's diff in that commit, trimmed; a note instead when the commit created the file. */
  diff: string;
}

const MAX_DIFF_LINES = 40;

function trimDiff(diff: string): string {
  if (/^new file mode/m.test(diff)) return '(this commit created the file)';
  // Drop the `diff --git`/index/---/+++ header: the file is already named in the prompt.
  const lines = diff.split('\n');
  const body = lines
    .slice(
      Math.max(
        0,
        lines.findIndex((l) => l.startsWith('@@')),
      ),
    )
    .filter((l, i, all) => i < all.length - 1 || l !== '');
  return body.length > MAX_DIFF_LINES
    ? [...body.slice(0, MAX_DIFF_LINES), `… (${body.length - MAX_DIFF_LINES} more diff line(s))`].join('\n')
    : body.join('\n');
}

export async function recentCommits(root: string, file: string, options: { max?: number; signal?: AbortSignal; log?: Log } = {}): Promise<CommitNote[]> {
  try {
    const git = simpleGit({ baseDir: root, abort: options.signal, timeout: { block: 10_000 } });
    if (!(await git.checkIsRepo())) return [];
    const log = await git.log({ file, maxCount: options.max ?? 10 });
    const notes: CommitNote[] = [];
    for (const entry of log.all) {
      const diff = await git.show([entry.hash, '--format=', '--no-color', '--unified=2', '--', file]);
      notes.push({
        hash: entry.hash.slice(0, 8),
        date: entry.date.slice(0, 10),
        message: [entry.message, entry.body].filter(Boolean).join('\n').trim(),
        diff: trimDiff(diff),
      });
    }
    return notes;
  } catch (error) {
    if (options.signal?.aborted) throw new SelfHealError('CANCELLED', 'Cancelled; nothing was changed.');
    // A repository without commits, a shallow clone, a missing git: history is context, not a requirement.
    options.log?.debug(`llm: no git history for ${file} (${(error as Error).message.split('\n')[0]})`);
    return [];
  }
}
