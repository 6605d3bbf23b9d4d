/**
 * A failed test as the Testing view shows it (any test extension's TestItem and TestMessage),
 * turned into the Failure the core heals. Pure (no 'vscode'): testingView.ts reads the VS Code
 * objects into a FailedTestMessage, and the mapping is pinned by unit tests.
 *
 * The id follows the runner parsers' scheme (`file > suite > name`, signals/failure.ts) and the
 * name is the test's own title, because the core matches a handed-in failure to the sandbox's
 * baseline run by id or by name. The file is left out on purpose: the core also matches by file,
 * which would heal every failure in that file, and "Heal This Failure" means this one.
 */
import { Failure, SelfHealError, type StackFrame } from '../core/model';

export interface FailedTestMessage {
  /** Workspace-relative path of the test's file, with forward slashes; undefined when it is outside the folder. */
  file: string | undefined;
  /** The test's title (TestItem.label). */
  label: string;
  /** Titles of the suites around it in the same file, outermost first. */
  suites: string[];
  message: string;
  expected?: string;
  actual?: string;
  /** 1-based, where the message points (or where the test is declared). */
  line?: number;
  stack: StackFrame[];
}

export function failureOf(failed: FailedTestMessage): Failure {
  if (!failed.label.trim())
    throw new SelfHealError(
      'BAD_INPUT',
      'This test message names no test, so Self-Heal cannot tell which failure to heal. Run "Self-Heal: Heal Failing Tests" instead.',
    );
  const id = [...(failed.file ? [failed.file] : []), ...failed.suites, failed.label].join(' > ');
  return Failure.parse({
    id,
    name: failed.label,
    line: failed.line,
    message: failed.message.trim() || `${failed.label} failed`,
    expected: failed.expected,
    actual: failed.actual,
    stack: failed.stack,
    source: 'test-run',
  });
}
