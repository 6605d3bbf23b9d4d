/**
 * `self-heal COMMAND --help`: what one command does and each of its options, in more words than
 * the overview that `self-heal --help` prints (main.ts).
 */
import { CI_USAGE } from './ci';
import { LLM_USAGE } from './llmOptions';

const TEST_OPTIONS = `  --test "<command>"         the test command (default: selfHeal.testCommand, else the "test" script of package.json)
  --timeout SECONDS          time limit for one test run (default: selfHeal.testTimeoutSeconds, 60)
  --max-candidates N         candidate fixes verified per failure before giving up (default 400)
  -v, --verbose              log every step to stderr`;

const SETTINGS = 'Settings come from DIR/.vscode/settings.json (selfHeal.*), the policy also from DIR/.self-heal.json; flags override them.';

const HELP: Record<string, string> = {
  heal: `Usage: self-heal heal [DIR] [options]

Runs the tests in DIR (default: the current folder), looks for a fix of each failure, verifies it in a
sandbox with your own tests, and prints it as a diff with its evidence. Without --apply nothing in DIR changes.

Options:
  --apply                    write each verified fix (refusing a file that changed since it was verified)
                             and record it in DIR/.self-heal/ledger.jsonl, so \`self-heal revert\` can undo it
  --accept-test-weakening    with --apply: also apply fixes labelled "weakens tests"
  --accept-ambiguous         with --apply: also apply fixes the tests cannot single out ("verified, ambiguous")
  --json                     print one JSON object (baseline, heals, unhealed) instead of text
${TEST_OPTIONS}

${LLM_USAGE}

${SETTINGS}
Exit codes: 0 every failure healed (or none failed), 1 some remain, 2 bad usage or environment, 130 cancelled.`,

  ci: `Usage:
${CI_USAGE}

Heals like \`self-heal heal\`, then commits each verified fix to a new branch made from HEAD (never the
current branch) and writes a report for a pull request. Nothing is pushed without --push.

Options:
  --branch-prefix PREFIX     names of the new branches (default self-heal/)
  --report FILE              write the Markdown report (failure, diagnosis, diff, evidence) to FILE
  --sarif FILE               also write SARIF for code-scanning views
  --push                     push the new branches
  --remote NAME              the remote to push to (default origin)
${TEST_OPTIONS}

${LLM_USAGE}

${SETTINGS}
Exit codes: 0 every failure healed (or none failed), 1 some remain, 2 bad usage or environment, 130 cancelled.`,

  history: `Usage: self-heal history [DIR] [--json] [--stats]

Lists the heals applied in DIR, from DIR/.self-heal/ledger.jsonl (the extension records there too).

Options:
  --json                     print the records as JSON
  --stats                    the acceptance rate: heals accepted, rejected or reverted, by failure class,
                             engine and mutation operator`,

  revert: `Usage: self-heal revert ID [DIR]

Undoes the applied heal ID (see \`self-heal history\`), if the file still holds what the heal wrote;
otherwise it changes nothing and says why. The revert is recorded in the ledger as well.`,
};

/** The help of one command, or undefined for a name that is not a command. */
export function commandHelp(command: string): string | undefined {
  return Object.hasOwn(HELP, command) ? HELP[command] : undefined;
}

/** `-h`/`--help` anywhere before a `--` asks for help, as with other command-line tools. */
export function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
