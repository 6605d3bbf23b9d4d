/**
 * The extension's side of the pipeline: it asks the core for verified fixes (one heal session at a
 * time: sandboxes are heavy and the machine may have two cores), keeps them in the FixCache for
 * the lightbulb, applies and reverts them through the WorkspaceFiles adapter, and reacts to test
 * runs the collectors saw. Fixes from the LLM engine take exactly the same path as offline ones;
 * only the tokens they cost are counted here, per heal and for the session.
 * The policy (policy.ts) is applied here, once per report: a class that is `off` keeps its failure
 * but loses its fix, and only the fixes it marks autoApply are applied unasked. What people do
 * with fixes goes back into the ledger (paper §5.2): an apply record means accepted, a revert
 * record reverted, and Discard adds a "rejected" decision; the next heal reads them all.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HealOutcome, HealReport } from '../core/api';
import { SelfHealError, type Failure, type HealRecord } from '../core/model';
import type { Ledger, Log } from '../core/ports';
import type { DocumentWorkspaceFiles } from './adapters/workspaceFiles';
import type { TestFailureDiagnostics } from './collectors/failureDiagnostics';
import type { TestRunSignal } from './collectors/testRuns';
import type { Confirm } from './confirm';
import { loadApply, loadDecisions, loadHeal } from './core';
import { GONE, type FixCache } from './fixCache';
import type { Guard } from './guard';
import { OFFLINE_RETRY, type EnginePlan } from './llm/engines';
import type { Notifier } from './notify';
import { offeredUnderPolicy, type FixTriage } from './policy';
import { engineBadge, spentTokens, tokenLog, weakeningPrompt, type Tokens } from './presentation';
import type { Settings } from './settings';
import type { TestCommandChoice } from './testCommand';

export interface HealerDeps {
  files: DocumentWorkspaceFiles;
  ledger: () => Promise<Ledger>;
  log: Log;
  settings: () => Settings;
  /** Resolves the verification command: selfHeal.testCommand, the Test-group task, or npm test. */
  testCommand: (setting: string | undefined) => Promise<TestCommandChoice>;
  guard: Guard;
  cache: FixCache;
  diagnostics: TestFailureDiagnostics;
  /** Resolves once tree-sitter is loaded (started in the background after activation). */
  treeSitter: () => Promise<void>;
  promptsDir: string;
  /** Offline only, or offline then the LLM (selfHeal.llm.*), decided afresh for each heal. */
  engines: () => Promise<EnginePlan>;
  /** What selfHeal.policy (with selfHeal.mode) says about a verified fix, read afresh each time. */
  triage: (outcome: HealOutcome) => FixTriage;
  /** Asks a person before a fix that weakens tests is applied: a modal in VS Code, a stand-in in tests. */
  confirm: Confirm;
  notify: Notifier;
}

export interface SearchOptions {
  /** User-started: notification progress and messages. Background: status-bar progress, log only. */
  interactive: boolean;
  /** May the LLM be asked (when enabled)? Default yes. */
  llm?: boolean;
}

export class Healer implements vscode.Disposable {
  private readonly historyChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeHistory = this.historyChanged.event;
  private readonly busyChanged = new vscode.EventEmitter<number>();
  /** Fires with the number of searches queued or running, whenever it changes (the status bar shows "healing…"). */
  readonly onDidChangeBusy = this.busyChanged.event;
  private busyCount = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Test-visible timing: the last background search from a test-run signal to a cached verified fix. */
  lastSignalToVerifiedMs: number | undefined;
  /** LLM tokens spent since activation; the log shows this running total after each heal. */
  readonly sessionTokens: Tokens = { input: 0, output: 0 };
  private readonly llmWarned = new Set<string>();
  /** Failures the LLM was asked about since the tests last passed. */
  private readonly llmAsked = new Set<string>();
  /** The outcome behind each heal applied in this session, to offer again if the heal is undone or reverted. */
  private readonly appliedOutcomes = new Map<string, HealOutcome>();
  private readonly signalled = new vscode.EventEmitter<TestRunSignal>();
  /** Every test-run signal from the terminal and task collectors (the real-VS-Code suite counts them). */
  readonly onDidSignal = this.signalled.event;

  constructor(private readonly deps: HealerDeps) {}

  /**
   * Find verified fixes for `failures` (all failures of a fresh test run when undefined).
   * Resolves to undefined when refused or cancelled; throws SelfHealError for anything the user must act on.
   */
  async search(failures: Failure[] | undefined, options: SearchOptions): Promise<HealReport | undefined> {
    const gate = this.deps.guard.mayRunTests();
    if (!gate.allowed) {
      this.deps.log.info(`heal refused: ${gate.reason}`);
      if (options.interactive) void this.deps.notify.warn(gate.reason);
      return undefined;
    }
    const ids = failures?.map((failure) => failure.id) ?? [];
    this.deps.cache.searching(ids);
    const run = this.chain.then(() => this.run(failures, ids, options));
    this.chain = run.catch(() => undefined);
    this.busyChanged.fire(++this.busyCount);
    const settled = (): void => this.busyChanged.fire(--this.busyCount);
    run.then(settled, settled);
    return run;
  }

  private async run(failures: Failure[] | undefined, ids: string[], options: SearchOptions): Promise<HealReport | undefined> {
    const { files, log, cache } = this.deps;
    try {
      const settings = this.deps.settings();
      const choice = await this.deps.testCommand(settings.testCommand);
      if (choice.command === undefined) throw new SelfHealError('NO_TEST_COMMAND', choice.message);
      const [{ healWorkspace }, plan, decisions] = await Promise.all([
        loadHeal(),
        options.llm === false ? OFFLINE_RETRY : this.deps.engines(),
        this.pastDecisions(),
        this.deps.treeSitter(),
      ]);
      if (plan.unusable) this.llmUnusable(plan.unusable, options.interactive);
      log.info(
        `heal: ${failures ? `${failures.length} failure(s)` : 'all failing tests'} with "${choice.command}" (from ${choice.from}); engines: ${plan.describe}`,
      );
      // The core's progress messages say what is healed ("Healing add sums two numbers (1/1)"); a
      // title that said it too read "healing failing tests: Healing …" (issue 15 §8).
      const location = options.interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
      const found = await this.deps.notify.progress<HealReport>({ title: 'Self-Heal', location }, (progress, signal) =>
        healWorkspace({
          files,
          lockOwner: 'the VS Code extension',
          testCommand: choice.command,
          testTimeoutMs: settings.testTimeoutSeconds * 1000,
          maxCandidates: settings.maxCandidates,
          flakyReruns: settings.flakyReruns,
          failures,
          signal,
          log,
          progress,
          promptsDir: this.deps.promptsDir,
          decisions,
          ...plan.options,
        }),
      );
      const { report, off } = this.withPolicy(found);
      this.countTokens(spentTokens(report.heals));
      // An outcome carries tokens (even 0) exactly when the LLM engine ran for it.
      for (const heal of report.heals) if (heal.tokens) for (const failure of heal.failures) this.llmAsked.add(failure.id);
      cache.record(report.heals, ids, off);
      if (!failures) this.deps.diagnostics.publish(report.baseline.run.failures);
      this.deps.diagnostics.explain(report.heals);
      log.info(`heal: ${report.heals.filter((heal) => heal.fix).length}/${report.heals.length} verified in ${report.ms} ms`);
      return report;
    } catch (error) {
      cache.abandon(ids);
      if (isCancellation(error)) {
        log.info('heal: cancelled');
        return undefined;
      }
      throw error;
    }
  }

  /** Ledger records with people's decisions, for the core to order candidates by; none if the ledger cannot be read. */
  private async pastDecisions(): Promise<HealRecord[]> {
    try {
      return await (await this.deps.ledger()).read();
    } catch (error) {
      this.deps.log.warn(`heal: the history could not be read, so past decisions do not order the candidates: ${describe(error)}`);
      return [];
    }
  }

  /** The report as the policy lets it be seen (the core decides; the extension only logs why). */
  private withPolicy(report: HealReport): { report: HealReport; off: string[] } {
    return offeredUnderPolicy(report, this.deps.triage, (line) => this.deps.log.info(line));
  }

  private countTokens(spent: Tokens): void {
    if (spent.input + spent.output === 0) return;
    this.sessionTokens.input += spent.input;
    this.sessionTokens.output += spent.output;
    this.deps.log.info(tokenLog(spent, this.sessionTokens));
  }

  /** An interactive heal says so every time (the user waits for a fix); a background one once per reason. */
  private llmUnusable(reason: string, interactive: boolean): void {
    const first = !this.llmWarned.has(reason);
    this.llmWarned.add(reason);
    const message = `Self-Heal: LLM healing is on, but this heal runs offline only: ${reason}`;
    if (first) this.deps.log.warn(message);
    if (!interactive && !first) return;
    const action = /API key/.test(reason) ? 'Set API Key' : 'Open Settings';
    void this.deps.notify.warn(message, action).then(async (choice) => {
      if (choice === 'Set API Key') await vscode.commands.executeCommand('selfHeal.setApiKey');
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'selfHeal.llm');
    });
  }

  /** A person applies a fix (lightbulb, quick pick, preview). A fix that weakens tests is applied only once they confirm it. */
  async apply(outcomeId: string): Promise<HealRecord> {
    const outcome = this.offered(outcomeId);
    if (this.deps.triage(outcome).confirm && !(await this.deps.confirm(weakeningPrompt(outcome)))) {
      this.deps.log.info(`not applied: "${outcome.fix.candidate.summary}" weakens tests and was not confirmed`);
      throw new SelfHealError('CANCELLED', 'Not applied: the fix weakens tests and was not confirmed.');
    }
    try {
      return await this.write(outcome);
    } catch (error) {
      if (!(error instanceof SelfHealError && error.code === 'STALE') || (await (await loadHeal()).firstDifference(this.deps.files, outcome.fix.before)))
        throw error;
      // The fixed file is as verified but other files the tests read changed, so the evidence no
      // longer holds: verify again on the current files, in the background, and let the lightbulb
      // offer the fix again only if it still holds. (A changed fixed file keeps its cached fix:
      // undoing the change makes it valid again.)
      this.deps.cache.remove(outcome.id, GONE.reverifying);
      this.search(outcome.failures, { interactive: false, llm: false }).catch((e: unknown) => this.deps.log.warn(`re-verification failed: ${describe(e)}`));
      throw new SelfHealError(
        'STALE',
        `${error.message.replace(/ Run (the heal|Self-Heal) again[^.]*\.$/, '')} Self-Heal is verifying it again on the current files and will offer it again if it still holds.`,
      );
    }
  }

  /** Apply the verified fixes of `report` that the policy marks autoApply; the ids of those applied. */
  async autoApply(report: Pick<HealReport, 'heals'>): Promise<string[]> {
    const applied: string[] = [];
    if (!this.deps.guard.mayAutoApply) return applied;
    for (const heal of report.heals) {
      const outcome = heal.fix && this.deps.cache.outcome(heal.id);
      if (!outcome || !this.deps.triage(outcome).autoApply) continue;
      try {
        applied.push((await this.write(outcome)).id);
      } catch (error) {
        this.deps.log.warn(`auto-apply of "${outcome.fix!.candidate.summary}" refused: ${describe(error)}`);
      }
    }
    return applied;
  }

  /** Writes the fix; its apply record in the ledger is the "accepted" decision (core/record/decisions). */
  private async write(outcome: HealOutcome): Promise<HealRecord> {
    const { applyFix } = await loadHeal();
    const record = await applyFix(outcome, this.deps.files, await this.deps.ledger());
    this.deps.log.info(`applied ${record.id}: ${record.summary} in ${record.file} (${engineBadge(record.engine, record.tokens)})`);
    this.appliedOutcomes.set(record.id, outcome);
    this.deps.cache.remove(outcome.id, GONE.applied);
    this.deps.diagnostics.remove(outcome.failures);
    this.historyChanged.fire();
    return record;
  }

  /** A person threw a fix away ("Discard" in the preview): it is recorded as rejected, so the next heals learn from it. */
  async discard(outcomeId: string): Promise<void> {
    const outcome = this.offered(outcomeId);
    // The same change found by another search is the same fix: discarded with it.
    const same = JSON.stringify(outcome.fix.after);
    for (const other of this.deps.cache.verified())
      if (other.id !== outcomeId && JSON.stringify(other.fix?.after) === same) this.deps.cache.remove(other.id, GONE.discarded);
    this.deps.cache.remove(outcomeId, GONE.discarded);
    const { recordDecision } = await loadDecisions();
    const record = await recordDecision(await this.deps.ledger(), outcome, 'rejected', this.deps.files.root, 'discarded in the preview');
    this.deps.log.info(`discarded ${outcomeId}: "${outcome.fix.candidate.summary}", recorded as rejected (${record.id})`);
  }

  /** The cached outcome with a fix, or why a notification or preview that offers it is out of date. */
  private offered(outcomeId: string): HealOutcome & { fix: NonNullable<HealOutcome['fix']> } {
    const outcome = this.deps.cache.outcome(outcomeId);
    if (outcome?.fix) return { ...outcome, fix: outcome.fix };
    throw new SelfHealError('NOT_FOUND', `This fix is no longer on offer: ${this.deps.cache.whyGone(outcomeId) ?? GONE.replaced}.`);
  }

  async revert(recordId: string): Promise<HealRecord> {
    const { revertHeal } = await loadHeal();
    const record = await revertHeal(recordId, this.deps.files, await this.deps.ledger());
    this.deps.log.info(`reverted ${recordId} in ${record.file}`);
    this.offerAgain(recordId);
    this.historyChanged.fire();
    return record;
  }

  /**
   * Heals undone or redone outside Self-Heal (Ctrl+Z, Ctrl+Y, another tool): the ledger records
   * them, the history shows it, and an undone heal of this session shows its failure and offers
   * its fix again, since the bug is back (issue 15 §8). Returns the records added.
   */
  async noticeOutsideChanges(): Promise<HealRecord[]> {
    const { recordOutsideChanges } = await loadApply();
    const changes = await recordOutsideChanges(this.deps.files, await this.deps.ledger());
    for (const { record, of } of changes) {
      this.deps.log.info(
        `${record.kind === 'revert' ? 'undone' : 'applied again'} outside Self-Heal: ${of.id} (${of.summary}) in ${of.file}; recorded as ${record.id}`,
      );
      if (record.kind === 'revert') {
        this.offerAgain(of.id);
      } else {
        const outcome = this.appliedOutcomes.get(of.id);
        if (outcome) {
          this.appliedOutcomes.set(record.id, outcome);
          this.deps.cache.remove(outcome.id, GONE.applied);
          this.deps.diagnostics.remove(outcome.failures);
        }
      }
    }
    if (changes.length) this.historyChanged.fire();
    return changes.map((change) => change.record);
  }

  /** The heal `applyId` no longer holds: its failure shows again, and its fix is on offer again. */
  private offerAgain(applyId: string): void {
    const outcome = this.appliedOutcomes.get(applyId);
    if (!outcome) return;
    // A new id: an outcome's id becomes its apply record's, and the first apply keeps that one.
    this.deps.cache.restore({ ...outcome, id: `h-${randomBytes(4).toString('hex')}` });
    this.deps.diagnostics.add(outcome.failures);
  }

  /** A test run the collectors saw: show its failures, and look for fixes in the background. */
  onTestRun(signal: TestRunSignal): void {
    const { guard, cache, diagnostics, log } = this.deps;
    if (!guard.listening) return;
    this.signalled.fire(signal);
    if (signal.exitCode === 0) {
      diagnostics.clear();
      cache.clear();
      this.llmAsked.clear();
      return;
    }
    if (!signal.failures.length) return;
    diagnostics.publish(signal.failures);
    const fresh = signal.failures.filter((failure) => {
      const state = cache.state(failure.id)?.state;
      return state !== 'searching' && state !== 'verified' && state !== 'off';
    });
    if (!fresh.length || !guard.mayRunTests().allowed) return;
    // Background heals run on every failing test run; the LLM is asked once per failure, and again only from the lightbulb.
    this.search(fresh, { interactive: false, llm: fresh.some((failure) => !this.llmAsked.has(failure.id)) })
      .then(async (report) => {
        if (!report) return;
        if (report.heals.some((heal) => heal.fix)) this.lastSignalToVerifiedMs = performance.now() - signal.endedAt;
        await this.autoApply(report);
      })
      .catch((error: unknown) => log.warn(`background heal after ${signal.source} "${signal.command}" failed: ${describe(error)}`));
  }

  /** Searches queued or running. */
  get busy(): number {
    return this.busyCount;
  }

  dispose(): void {
    this.historyChanged.dispose();
    this.busyChanged.dispose();
    this.signalled.dispose();
  }
}

export function isCancellation(error: unknown): boolean {
  return (
    (error instanceof SelfHealError && error.code === 'CANCELLED') ||
    error instanceof vscode.CancellationError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
