/**
 * What the Self-Heal status bar item says (issue 15 §9): "healing…" while a heal runs, the number
 * of verified fixes waiting for a person, or that Self-Heal is off; nothing otherwise, so a quiet
 * workspace has a quiet status bar. Pure (no 'vscode'), so every state is pinned by unit tests.
 */
import type { Mode } from './settings';

export interface StatusInputs {
  /** Heal searches queued or running. */
  healing: number;
  /** Verified fixes in the cache, not yet applied or discarded. */
  fixes: number;
  mode: Mode;
  trusted: boolean;
}

export interface StatusShown {
  /** With a codicon, as StatusBarItem.text takes it. */
  text: string;
  tooltip: string;
  command: { id: string; args?: unknown[] };
}

/** Codicons: `sync~spin` is the spinning arrows VS Code itself shows for work in progress. */
export function statusOf({ healing, fixes, mode, trusted }: StatusInputs): StatusShown | undefined {
  // A heal in progress is news even if the mode changed meanwhile: it will still end with a result.
  if (healing > 0)
    return {
      text: '$(sync~spin) Self-Heal: healing…',
      tooltip: 'Self-Heal is verifying fixes in a sandbox. Click to see the log.',
      command: { id: 'selfHeal.showLog' },
    };
  if (mode === 'off')
    return {
      text: '$(circle-slash) Self-Heal: off',
      tooltip: 'Self-Heal is off (selfHeal.mode). Click to change the setting.',
      command: { id: 'workbench.action.openSettings', args: ['selfHeal.mode'] },
    };
  if (!trusted) {
    return {
      text: '$(circle-slash) Self-Heal: off',
      tooltip: "Self-Heal is off in an untrusted workspace: it would have to run the workspace's tests. Click to manage workspace trust.",
      command: { id: 'workbench.trust.manage' },
    };
  }
  if (fixes > 0) {
    const what = fixes === 1 ? '1 verified fix' : `${fixes} verified fixes`;
    return {
      text: `$(lightbulb-autofix) ${what} ready`,
      tooltip: `Self-Heal: ${what} ready to review. Click to pick one to preview or apply.`,
      command: { id: 'selfHeal.reviewFixes' },
    };
  }
  return undefined;
}
