/**
 * "Self-Heal: Heal This Failure" on a failed test in the Testing view (the message's context menu
 * and the peek view's message actions, issue 15 §6). Users of the Jest and Vitest extensions run
 * their tests there, where no terminal or task shows Self-Heal the failure; VS Code hands the
 * command the TestItem and the TestMessage, whichever extension reported them.
 */
import * as vscode from 'vscode';
import { type Failure, SelfHealError, type StackFrame } from '../core/model';
import type { DocumentWorkspaceFiles } from './adapters/workspaceFiles';
import { failureOf } from './testMessageFailure';

/** What VS Code passes to a `testing/message/context` or `testing/message/content` command. */
export interface TestMessageMenuArgs {
  /** Undefined when the test is no longer in its controller's items. */
  test?: vscode.TestItem;
  message: vscode.TestMessage;
}

export function failureFromTestMessage(args: TestMessageMenuArgs | undefined, files: DocumentWorkspaceFiles): Failure {
  const message = args?.message;
  if (!message || (typeof message.message !== 'string' && !(message.message instanceof vscode.MarkdownString))) {
    throw new SelfHealError('BAD_INPUT', 'Run "Heal This Failure" from a failed test in the Testing view (right-click its message).');
  }
  const test = args.test;
  const testUri = test?.uri ?? message.location?.uri;
  const position = message.location?.range.start ?? test?.range?.start;
  return failureOf({
    file: testUri && files.relative(testUri),
    label: test?.label ?? '',
    suites: test ? suitesOf(test) : [],
    message: typeof message.message === 'string' ? message.message : message.message.value,
    expected: message.expectedOutput,
    actual: message.actualOutput,
    line: position && position.line + 1,
    stack: (message.stackTrace ?? []).flatMap((frame): StackFrame[] => {
      const rel = frame.uri && files.relative(frame.uri);
      return rel && frame.position ? [{ file: rel, line: frame.position.line + 1, column: frame.position.character + 1, fn: frame.label || undefined }] : [];
    }),
  });
}

/**
 * Titles of the suites around `test` in its own file, outermost first. Test extensions put the
 * file (and often a project) above the suites; those items have no range in the file, or another
 * uri, and are where the walk stops.
 */
function suitesOf(test: vscode.TestItem): string[] {
  const suites: string[] = [];
  for (let parent = test.parent; parent?.range && parent.uri?.toString() === test.uri?.toString(); parent = parent.parent) suites.unshift(parent.label);
  return suites;
}
