/**
 * Correctness grading (bench/README.md, "Grading"): does the patched module behave like the
 * reference beyond the tests? The comparison runs in a child process (behaviourWorker.ts) so a
 * candidate that loops, recurses or allocates without end can only hurt that child.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { BehaviourReply, BehaviourRequest } from './behaviourWorker';

const WORKER = path.join(__dirname, 'behaviourWorker.ts');
const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface Grade extends BehaviourReply {
  correct: boolean;
  /**
   * The grader could not finish (its time budget ran out, or it failed): the fix was not shown
   * wrong, but not shown right either, so it is not counted as correct and is reported apart.
   */
  unknown: boolean;
}

export const GRADE_DEFAULTS = { callTimeoutMs: 250, budgetMs: 15_000, cap: 300, deepCap: 300 };

export async function compareBehaviour(request: Omit<BehaviourRequest, keyof typeof GRADE_DEFAULTS> & Partial<BehaviourRequest>): Promise<Grade> {
  const full: BehaviourRequest = { ...GRADE_DEFAULTS, ...request };
  const reply = await runWorker(full, full.budgetMs + 15_000);
  const unknown = reply.mismatches === 0 && (!!reply.error || reply.truncated);
  return { ...reply, unknown, correct: !unknown && !reply.error && reply.mismatches === 0 && reply.compared > 0 };
}

function runWorker(request: BehaviourRequest, killAfterMs: number): Promise<BehaviourReply> {
  return new Promise((resolve) => {
    // tsx is resolved from the repository root, so the worker runs from source like the harness.
    const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=1024', WORKER], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const failed = (error: string): BehaviourReply => ({ recorded: 0, compared: 0, skipped: 0, mismatches: 0, truncated: false, error });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(failed(`grader did not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout) as BehaviourReply);
      } catch {
        resolve(failed(`grader exited (${signal ?? code}) without a reply${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}
