/**
 * The one question Self-Heal asks in a modal: apply a fix that weakens tests? (issue 7: such a fix
 * needs explicit confirmation). It is a port of its own so that the real-VS-Code suite can answer
 * it — a modal dialog blocks the smoke-test driver — while everything around it stays real.
 */
import * as vscode from 'vscode';

export interface Prompt {
  message: string;
  detail: string;
  /** The button that says yes; dismissing the dialog says no. */
  confirm: string;
}

export type Confirm = (prompt: Prompt) => Promise<boolean>;

export const confirmInModal: Confirm = async (prompt) =>
  (await vscode.window.showWarningMessage(prompt.message, { modal: true, detail: prompt.detail }, prompt.confirm)) === prompt.confirm;
