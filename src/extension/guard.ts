/**
 * One place that decides whether Self-Heal may act. Healing runs the workspace's own tests, which
 * is running the workspace's code: never in an untrusted workspace (DESIGN "The extension
 * surface"). `selfHeal.mode = off` silences everything, including listening. Whether one
 * verified fix is applied without asking is the policy's call (policy.ts), within these limits.
 * Pure (no 'vscode' import): the trust and mode come in as functions, which is also how the
 * real-VS-Code suite simulates an untrusted workspace (code-server runs with trust disabled).
 */
import type { Mode } from './settings';

export type Refusal = { allowed: false; reason: string } | { allowed: true };

export interface GuardState {
  trusted: boolean;
  mode: Mode;
}

export class Guard {
  constructor(private readonly state: () => GuardState) {}

  /** Collectors may turn signals into failures and diagnostics. */
  get listening(): boolean {
    return this.state().mode !== 'off';
  }

  /** Tests may run (verification, re-running a failed test task). */
  mayRunTests(): Refusal {
    const { trusted, mode } = this.state();
    if (mode === 'off') return { allowed: false, reason: 'Self-Heal is off. Set `selfHeal.mode` to "suggest" or "autoApply" to use it.' };
    if (!trusted) {
      return {
        allowed: false,
        reason:
          'Self-Heal verifies fixes by running this workspace\'s tests, so it needs a trusted workspace. Trust it with "Workspaces: Manage Workspace Trust".',
      };
    }
    return { allowed: true };
  }

  /**
   * Verified fixes may be applied without asking, where the policy says so for each one
   * (policy.ts: selfHeal.mode = autoApply, or an autoApply class in selfHeal.policy).
   */
  get mayAutoApply(): boolean {
    const { trusted, mode } = this.state();
    return trusted && mode !== 'off';
  }
}
