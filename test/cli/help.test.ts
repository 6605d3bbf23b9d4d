import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { asksForHelp, commandHelp } from '../../src/cli/help';
import { main } from '../../src/cli/main';
import { exampleProject, fingerprint, REPO_ROOT } from '../helpers/repo';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const COMMANDS = ['heal', 'ci', 'history', 'revert'];
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * main() in this process with its stderr caught. Only calls that fail on their arguments go
 * through here: they write nothing to stdout, which node:test uses to report this file's results.
 */
async function mainFailing(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('self-heal --help and --version', () => {
  it("prints package.json's version with --version and -V", () => {
    for (const flag of ['--version', '-V']) {
      const run = cli(flag);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `self-heal ${version}\n`);
    }
  });

  it('answers --help and -h with an overview of every command, and says how to get one command’s help', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const run = cli(flag);
      assert.equal(run.code, 0, run.stderr);
      for (const command of COMMANDS) assert.match(run.stdout, new RegExp(`^  self-heal ${command} `, 'm'), command);
      assert.match(run.stdout, /self-heal COMMAND --help/);
    }
  });

  it('answers COMMAND --help for every command with its usage and options, and runs nothing', () => {
    const dir = exampleProject('off-by-one');
    const before = fingerprint(dir);
    for (const command of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const run = cli(command, ...(command === 'revert' ? ['h-0', dir] : [dir]), flag);
        assert.equal(run.code, 0, `${command} ${flag}: ${run.stderr}`);
        assert.equal(run.stdout, `${commandHelp(command)}\n`);
        assert.match(run.stdout, new RegExp(`^Usage:\\s+self-heal ${command} `), command);
        assert.equal(run.stderr, '', 'no progress: nothing ran');
      }
    }
    assert.equal(fingerprint(dir), before);
  });

  it('takes --help after "--" as an argument, not as a request for help', async () => {
    assert.equal(asksForHelp(['--', '--help']), false);
    assert.equal(asksForHelp(['dir', '-h']), true);
    const run = await mainFailing(['heal', '--', '--help']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--help is not a folder/);
  });

  it('lists in each command’s help only options that command accepts', async () => {
    for (const command of ['heal', 'ci', 'history']) {
      const flags = [...commandHelp(command)!.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)( \S+)?/gm)];
      assert.ok(flags.length >= 2, command);
      for (const [, flag, value] of flags) {
        // A flag the command accepts gets past parsing to the folder, which does not exist.
        const run = await mainFailing([command, '/no/such/folder', flag!, ...(value ? ['1'] : [])]);
        assert.equal(run.code, 2, `${command} ${flag}`);
        assert.doesNotMatch(run.stderr, /Unknown option|argument missing|does not take an argument/, `${command} ${flag}`);
        assert.match(run.stderr, /no[/\\]such[/\\]folder/, `${command} ${flag}: ${run.stderr.split('\n')[0]}`);
      }
    }
  });

  it('has no help for a name that is not a command', () => {
    assert.equal(commandHelp('toString'), undefined);
    const run = cli('frobnicate', '--help');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unknown command "frobnicate"/);
  });
});
