/**
 * `self-heal`: the same core as the extension, for terminals and CI.
 * Exit codes: 0 every failure healed (or none failed), 1 some remain, 2 bad usage or environment,
 * 130 cancelled (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { applyFix, healWorkspace, revertHeal, JsonlLedger, workspaceLedgerPath, ensureSelfHealFolder, decisionStats } from '../core/pipeline';
import type { HealOutcome, HealReport } from '../core/api';
import { offeredUnderPolicy, triage, type FixTriage } from '../core/api';
import { SelfHealError } from '../core/model';
import { DiskFiles } from './adapters/files';
import { recoverInterrupted } from './recover';
import { stderrLog, stderrProgress } from './adapters/log';
import { formatHeal, formatHistory, healJson } from './format';
import { HEAL_CLI_OPTIONS, healOptionsFromFlags, UsageError } from './healOptions';
import { LLM_USAGE } from './llmOptions';
import { CI_USAGE, ciCommand } from './ci';
import { formatStats } from './report/stats';
import { asksForHelp, commandHelp } from './help';
import { VERSION } from './version';

const USAGE = `Usage:
  self-heal heal [DIR] [--test "<command>"] [--apply] [--accept-test-weakening] [--accept-ambiguous] [--json] [--timeout SECONDS] [--max-candidates N] [--verbose]
                 [--engine offline|llm|all] [--base-url URL] [--model NAME] [--local-only] [--llm-attempts N] [--llm-timeout SECONDS]
${CI_USAGE}
  self-heal history [DIR] [--json] [--stats]
  self-heal revert ID [DIR]

heal     runs the tests, finds a verified fix for each failure and prints it; --apply writes them
         (a fix labelled "weakens tests" only with --accept-test-weakening as well, and one the tests
         cannot single out, "verified, ambiguous", only with --accept-ambiguous).
ci       heals like heal, then commits each verified fix to a new branch made from HEAD (never the current branch)
         and writes a report for a pull request (--report, --sarif); --push publishes those branches.
history  lists the heals applied in DIR (from DIR/.self-heal/ledger.jsonl); --stats: the acceptance rate.
revert   undoes an applied heal, if the file still holds what the heal wrote.

${LLM_USAGE}

self-heal COMMAND --help explains a command and each of its options; self-heal --version prints the version.`;

function workspaceRoot(dir: string | undefined): string {
  const root = path.resolve(dir ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`${root} is not a folder.`);
  return fs.realpathSync(root);
}

async function heal(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...HEAL_CLI_OPTIONS,
      apply: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'accept-test-weakening': { type: 'boolean', default: false },
      'accept-ambiguous': { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new UsageError(`heal takes one folder, got ${positionals.length}.`);
  const root = workspaceRoot(positionals[0]);
  const log = stderrLog(values.verbose);
  const { options, settings } = await healOptionsFromFlags(values, root, log);
  const files = new DiskFiles(root);
  await recoverInterrupted(files, log);
  const found: HealReport = await healWorkspace({
    ...options,
    lockOwner: 'the self-heal CLI',
    files,
    signal,
    log,
    // Progress goes to stderr with --json too: stdout stays pure JSON, and a long run does not look dead.
    progress: stderrProgress(true),
  });
  // The same policy decision as the extension's and `ci`'s: a class that is off shows no fix, and a
  // bulk apply writes only what the policy and the flags let it write unseen.
  const policy = settings.settings.policy;
  const triageOf = (outcome: HealOutcome): FixTriage =>
    triage({ policy, namesDefault: true }, 'suggest', outcome, { testWeakening: values['accept-test-weakening'], ambiguous: values['accept-ambiguous'] });
  const report = offeredUnderPolicy(found, triageOf, (line) => log.debug(line)).report;
  const applied = new Map<string, string>();
  if (values.apply) {
    await ensureSelfHealFolder(root);
    const ledger = new JsonlLedger(workspaceLedgerPath(root), log);
    for (const h of report.heals.filter((x) => x.fix)) {
      const refusal = triageOf(h).notInBulk;
      if (refusal) {
        applied.set(h.id, `not applied: ${refusal}`);
        continue;
      }
      try {
        await applyFix(h, files, ledger);
        applied.set(h.id, 'applied');
      } catch (error) {
        applied.set(h.id, `not applied: ${(error as Error).message}`);
      }
    }
  }
  if (values.json) process.stdout.write(JSON.stringify(healJson(report, applied), null, 2) + '\n');
  else
    process.stdout.write(
      report.heals.length === 0
        ? `All ${report.baseline.passed} test(s) pass; nothing to heal.\n`
        : report.heals.map((h) => formatHeal(h, applied.get(h.id))).join('\n') + '\n',
    );
  // With --apply, success means the user's tree is healed: a fix that was not applied leaves a failure.
  const remaining = report.heals.filter((h) => !h.fix || (values.apply && applied.get(h.id) !== 'applied')).length;
  return remaining === 0 ? 0 : 1;
}

async function history(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, stats: { type: 'boolean', default: false } },
  });
  const root = workspaceRoot(positionals[0]);
  await recoverInterrupted(new DiskFiles(root), stderrLog(false));
  const records = await new JsonlLedger(workspaceLedgerPath(root), stderrLog(false)).read();
  if (values.stats) {
    const stats = decisionStats(records);
    process.stdout.write(values.json ? JSON.stringify(stats, null, 2) + '\n' : formatStats(stats));
    return 0;
  }
  process.stdout.write(values.json ? JSON.stringify(records, null, 2) + '\n' : formatHistory(records));
  return 0;
}

async function revert(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (!positionals[0]) throw new UsageError('revert needs the id of a heal (see `self-heal history`).');
  const root = workspaceRoot(positionals[1]);
  const files = new DiskFiles(root);
  await recoverInterrupted(files, stderrLog(false));
  const record = await revertHeal(positionals[0], files, new JsonlLedger(workspaceLedgerPath(root), stderrLog(false)));
  process.stdout.write(`Reverted ${record.reverts}: ${record.summary} in ${record.file}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    // First Ctrl-C: cancel cleanly (sandbox removed, nothing written). Second: leave at once.
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('Cancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const help = command === undefined ? undefined : commandHelp(command);
    if (help && asksForHelp(rest)) {
      process.stdout.write(help + '\n');
      return 0;
    }
    if (command === 'heal') return await heal(rest, controller.signal);
    if (command === 'ci') return await ciCommand(rest, controller.signal);
    if (command === 'history') return await history(rest);
    if (command === 'revert') return await revert(rest);
    if (command === '--version' || command === '-V') {
      process.stdout.write(`self-heal ${VERSION}\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command "${command}".`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
    ) {
      process.stderr.write(`self-heal: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof SelfHealError) {
      process.stderr.write(`self-heal: ${error.message}\n`);
      if (error.code === 'CANCELLED') return 130;
      if (error.code === 'STALE' || error.code === 'NOT_FOUND') return 1;
      return 2;
    }
    process.stderr.write(`self-heal: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(2),
  );
}
