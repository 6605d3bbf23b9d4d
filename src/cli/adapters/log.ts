/** The CLI's logger and progress: stderr, so that stdout stays clean for diffs and --json. */
import type { Log, Progress } from '../../core/ports';

export function stderrLog(verbose: boolean): Log {
  const write = (level: string) => (message: string) => process.stderr.write(`${level}${message}\n`);
  return {
    debug: verbose ? write('debug: ') : () => undefined,
    info: verbose ? write('') : () => undefined,
    warn: write('warning: '),
    error: write('error: '),
  };
}

export function stderrProgress(enabled: boolean): Progress {
  return {
    report({ message }) {
      if (enabled && message) process.stderr.write(`… ${message}\n`);
    },
  };
}
