/**
 * `self-heal ci` (paper §4.5, §5.2): heal the failing tests of the checked-out commit and put
 * each verified fix on a new branch made from HEAD, with a Markdown report for a pull-request
 * comment and, on request, SARIF. It never writes the user's working tree, index or current
 * branch: the tests run in a worktree of HEAD, and commits are made with plumbing (a temporary
 * index, commit-tree, update-ref that only creates). Nothing is pushed without --push.
 * Exit codes as `heal`: 0 all healed (or none failing), 1 some remain, 2 usage or environment.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { HealOptions, HealOutcome } from '../core/api';
import { healWorkspace, hostPlatform, SANDBOX_PREFIX } from '../core/pipeline';
import { SelfHealError } from '../core/model';
import { decide, readWorkspaceSettings, type SettingsResult } from '../core/api';
import type { Log } from '../core/ports';
import { DiskFiles } from './adapters/files';
import { stderrLog, stderrProgress } from './adapters/log';
import { HEAL_CLI_OPTIONS, healOptionsFromFlags, UsageError } from './healOptions';
import { isHealed, type CiHeal, type CiRun } from './report/ciRun';
import { renderErrorMarkdown, renderMarkdown } from './report/markdown';
import { renderSarif } from './report/sarif';
import { VERSION } from './version';

export const CI_USAGE = `  self-heal ci [DIR] [--branch-prefix self-heal/] [--report report.md] [--sarif out.sarif] [--push] [--remote origin]
               [--test "<command>"] [--timeout SECONDS] [--max-candidates N] [--verbose] [LLM options]`;
const NO_IDENTITY = {
  GIT_AUTHOR_NAME: 'Self-Heal',
  GIT_AUTHOR_EMAIL: 'self-heal@noreply.invalid',
  GIT_COMMITTER_NAME: 'Self-Heal',
  GIT_COMMITTER_EMAIL: 'self-heal@noreply.invalid',
};

function git(cwd: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    // git may exit before reading stdin (a failed rev-parse); that EPIPE is not the error to report.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}

export interface CiOptions {
  root: string;
  branchPrefix?: string;
  reportPath?: string;
  sarifPath?: string;
  push?: boolean;
  remote?: string;
  /** Everything `healWorkspace` takes but the files (the heal runs in a worktree of HEAD). */
  heal?: Omit<HealOptions, 'files'>;
  /** The engines in words, for the report. */
  engine?: string;
  /** Every setting, when the caller has read them (src/core/settings.ts); else read here. */
  settings?: SettingsResult;
  /** For GITHUB_SERVER_URL / GITHUB_REPOSITORY (links to pushed branches). */
  env?: Record<string, string | undefined>;
  log?: Log;
}

export interface CiResult {
  exitCode: 0 | 1 | 2;
  run: CiRun;
  markdown: string;
}

interface Repo {
  top: string;
  head: string;
  branch?: string;
  /** The workspace folder relative to `top`, posix separators, '' at the root. */
  prefix: string;
}

async function openRepo(root: string): Promise<Repo> {
  const top = await git(root, ['rev-parse', '--show-toplevel']).then(
    (s) => s.trim(),
    () => undefined,
  );
  const head =
    top &&
    (await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
      (s) => s.trim(),
      () => undefined,
    ));
  if (!top || !head)
    throw new SelfHealError(
      'NO_PROJECT',
      `${root} is not a git repository with a commit. \`self-heal ci\` puts each fix on a new branch, so it needs one; use \`self-heal heal\` elsewhere.`,
    );
  const branch = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']).then(
    (s) => s.trim() || undefined,
    () => undefined,
  );
  return { top, head, branch, prefix: path.relative(top, root).split(path.sep).join('/') };
}

/**
 * A clean checkout of HEAD to heal in: the fixes must be verified on exactly the tree their
 * commits will hold, not on uncommitted changes. Named like a sandbox so a crashed run's copy
 * is pruned by the next heal. node_modules and ignored .env files are linked, not copied: the
 * former so tests run, the latter so the LLM engine can still redact their values (on Windows
 * a file is copied instead, since a file link needs Developer Mode: platform.ts).
 */
async function checkoutHead(repo: Repo, root: string): Promise<{ dir: string; dispose(): Promise<void> }> {
  const tmp = await fs.realpath(os.tmpdir());
  const worktree = path.join(tmp, `${SANDBOX_PREFIX}${process.pid}-ci${Date.now().toString(36)}`);
  await git(repo.top, ['worktree', 'add', '--detach', '--quiet', worktree, repo.head]);
  const dispose = async (): Promise<void> => {
    await git(repo.top, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    await fs.rm(worktree, { recursive: true, force: true });
    await git(repo.top, ['worktree', 'prune']).catch(() => undefined);
  };
  const dir = path.join(worktree, repo.prefix);
  try {
    const links: Array<[string, string]> = [[path.join(root, 'node_modules'), path.join(dir, 'node_modules')]];
    if (repo.prefix) links.push([path.join(repo.top, 'node_modules'), path.join(worktree, 'node_modules')]);
    for (const name of await fs.readdir(root)) if (/^\.env(\..+)?$/.test(name)) links.push([path.join(root, name), path.join(dir, name)]);
    for (const [from, to] of links) {
      const exists = await fs.lstat(from).then(
        () => true,
        () => false,
      );
      const taken = await fs.lstat(to).then(
        () => true,
        () => false,
      );
      if (exists && !taken) await hostPlatform.link(from, to);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { dir, dispose };
}

function commitMessage(outcome: HealOutcome, mode: string): string {
  const fix = outcome.fix!;
  const subject = `self-heal: ${fix.candidate.summary}`;
  const e = fix.evidence;
  return [
    subject.length > 72 ? `${subject.slice(0, 71)}…` : subject,
    '',
    'Heals the failing test(s):',
    ...outcome.failures.map((f) => `- ${f.id}`),
    '',
    `Diagnosis: ${outcome.diagnosis.class}: ${outcome.diagnosis.evidence[0] ?? ''}`.trim(),
    `Evidence: ${e.targeted.passed}/${e.targeted.total} failing tests now pass; ${e.suite.passed}/${e.suite.total} tests pass in the full suite; ${e.suite.newlyFailing.length} regressions`,
    `Engine: ${fix.candidate.engine} (${fix.candidate.operator})`,
    `Policy: ${mode}`,
    '',
    `Self-Heal-Id: ${outcome.id}`,
    '',
  ].join('\n');
}

/** Who commits: the repository's configured identity, else a clearly synthetic one (CI runners often have none). */
async function identity(top: string): Promise<Record<string, string>> {
  const known = await Promise.all(
    ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT'].map((v) =>
      git(top, ['var', v]).then(
        () => true,
        () => false,
      ),
    ),
  );
  return known.every(Boolean) ? {} : NO_IDENTITY;
}

/** Commit `fix` on top of HEAD with a private index, and create `branch` at it; refuses to move an existing branch. */
async function commitToBranch(repo: Repo, outcome: HealOutcome, branch: string, message: string, env: Record<string, string>): Promise<string> {
  const fix = outcome.fix!;
  const repoPath = (file: string): string => (repo.prefix ? path.posix.join(repo.prefix, file) : file);
  for (const [file, text] of Object.entries(fix.before)) {
    const atHead = await git(repo.top, ['rev-parse', '--verify', '--quiet', `${repo.head}:${repoPath(file)}`]).then(
      (s) => s.trim(),
      () => '',
    );
    const verified = await git(repo.top, ['hash-object', '--stdin', `--path=${repoPath(file)}`], { input: text }).then((s) => s.trim());
    if (atHead !== verified) throw new Error(`${file} at HEAD is not the text the fix was verified on`);
  }
  const index = path.join(await fs.realpath(os.tmpdir()), `self-heal-index-${process.pid}-${Date.now().toString(36)}`);
  const withIndex = { ...env, GIT_INDEX_FILE: index };
  try {
    await git(repo.top, ['read-tree', repo.head], { env: withIndex });
    for (const [file, text] of Object.entries(fix.after)) {
      const target = repoPath(file);
      const mode = (await git(repo.top, ['ls-tree', repo.head, '--', target])).split(/\s/)[0] || '100644';
      if (mode === '120000') throw new Error(`${file} is a symbolic link; Self-Heal does not write through links`);
      const blob = (await git(repo.top, ['hash-object', '-w', '--stdin', `--path=${target}`], { input: text })).trim();
      await git(repo.top, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${target}`], { env: withIndex });
    }
    const tree = (await git(repo.top, ['write-tree'], { env: withIndex })).trim();
    const commit = (await git(repo.top, ['commit-tree', tree, '-p', repo.head, '-F', '-'], { input: message, env })).trim();
    // The all-zero old value makes update-ref create the branch or fail: an existing branch is never moved.
    await git(repo.top, ['update-ref', '-m', 'self-heal ci', `refs/heads/${branch}`, commit, '0'.repeat(40)]);
    return commit;
  } finally {
    await fs.rm(index, { force: true });
  }
}

function branchName(prefix: string, outcome: HealOutcome): string {
  const file = Object.keys(outcome.fix?.after ?? {})[0] ?? outcome.failures[0].file ?? 'fix';
  const slug =
    path.posix
      .basename(file)
      .replace(/\.[^.]+$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .toLowerCase() || 'fix';
  return `${prefix}${slug}-${outcome.id}`;
}

export async function runCi(options: CiOptions): Promise<CiResult> {
  const started = Date.now();
  const log = options.log ?? stderrLog(false);
  const root = await fs.realpath(options.root);
  const repo = await openRepo(root);
  const prefix = options.branchPrefix ?? 'self-heal/';
  const probe = await git(root, ['check-ref-format', '--branch', `${prefix}x`]).then(
    () => true,
    () => false,
  );
  if (!probe) throw new UsageError(`--branch-prefix "${prefix}" does not make valid branch names.`);
  const uncommitted = (await git(root, ['status', '--porcelain', '--untracked-files=all', '--', '.'])).split('\n').filter(Boolean).length;
  const read = options.settings ?? (await readWorkspaceSettings(root));
  if (!options.settings) for (const p of read.problems) log.warn(p);
  const policy = { policy: read.settings.policy, source: read.policySource, problems: read.problems };

  const checkout = await checkoutHead(repo, root);
  let report;
  try {
    report = await healWorkspace({ ...options.heal, log: options.heal?.log ?? log, files: new DiskFiles(checkout.dir) });
  } finally {
    await checkout.dispose();
  }

  const env = await identity(repo.top);
  const heals: CiHeal[] = [];
  for (const outcome of report.heals) {
    const decision = decide(policy.policy, outcome);
    const heal: CiHeal = { outcome, decision };
    heals.push(heal);
    if (!outcome.fix) continue;
    if (decision.mode === 'off') {
      heal.skipped = `the policy is off for ${outcome.diagnosis.class}, so the verified fix is not proposed.`;
      continue;
    }
    const name = branchName(prefix, outcome);
    try {
      const commit = await commitToBranch(repo, outcome, name, commitMessage(outcome, decision.mode), env);
      heal.branch = { name, commit, pushed: false };
      log.info(`${name}: ${outcome.fix.candidate.summary}`);
    } catch (error) {
      heal.skipped = `could not create ${name}: ${(error as Error).message}.`;
      log.warn(heal.skipped);
    }
  }

  let pushFailed = false;
  const remote = options.remote ?? 'origin';
  if (options.push) {
    for (const h of heals.filter(isHealed)) {
      try {
        await git(repo.top, ['push', '--quiet', remote, `refs/heads/${h.branch!.name}:refs/heads/${h.branch!.name}`]);
        h.branch!.pushed = true;
      } catch (error) {
        pushFailed = true;
        log.error(`Could not push ${h.branch!.name} to ${remote}: ${(error as Error).message}. The branch exists locally.`);
      }
    }
  }

  const vars = options.env ?? process.env;
  const run: CiRun = {
    head: { commit: repo.head, branch: repo.branch },
    prefix: repo.prefix,
    testCommand: options.heal?.testCommand ?? 'npm test',
    baseline: { passed: report.baseline.passed, failed: report.baseline.failed },
    heals,
    engine: options.engine ?? 'offline',
    policy: { source: policy.source, problems: policy.problems },
    uncommitted,
    remote: options.push ? remote : undefined,
    repoUrl: vars.GITHUB_SERVER_URL && vars.GITHUB_REPOSITORY ? `${vars.GITHUB_SERVER_URL}/${vars.GITHUB_REPOSITORY}` : undefined,
    ms: Date.now() - started,
    version: VERSION,
  };
  const markdown = renderMarkdown(run);
  if (options.reportPath) await writeOut(options.reportPath, markdown);
  if (options.sarifPath) await writeOut(options.sarifPath, JSON.stringify(renderSarif(run), null, 2) + '\n');
  const exitCode = pushFailed ? 2 : heals.every(isHealed) ? 0 : 1;
  return { exitCode, run, markdown };
}

async function writeOut(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, text);
}

/** The `ci` subcommand: parse flags, run, print. `out` is where the report or the summary goes. */
export async function ciCommand(argv: string[], signal: AbortSignal, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  let reportPath: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'branch-prefix': { type: 'string' },
        report: { type: 'string' },
        sarif: { type: 'string' },
        push: { type: 'boolean', default: false },
        remote: { type: 'string' },
        ...HEAL_CLI_OPTIONS,
      },
    });
    reportPath = values.report;
    if (positionals.length > 1) throw new UsageError(`ci takes one folder, got ${positionals.length}.`);
    const root = path.resolve(positionals[0] ?? '.');
    if (
      !(await fs.stat(root).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      throw new UsageError(`${root} is not a folder.`);
    const log = stderrLog(values.verbose);
    const flags = await healOptionsFromFlags(values, root, log);
    const result = await runCi({
      root,
      branchPrefix: values['branch-prefix'],
      reportPath,
      sarifPath: values.sarif,
      push: values.push,
      remote: values.remote,
      engine: flags.engine.replace(/^engine: /, ''),
      settings: flags.settings,
      log,
      heal: {
        ...flags.options,
        signal,
        progress: stderrProgress(process.stderr.isTTY === true),
      },
    });
    out.write(reportPath ? summary(result) : result.markdown);
    return result.exitCode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`self-heal: ${(error as Error).message}\n\nUsage:\n${CI_USAGE}\n`);
      return 2;
    }
    if (!(error instanceof SelfHealError)) throw error;
    process.stderr.write(`self-heal: ${error.message}\n`);
    if (error.code === 'CANCELLED') return 130;
    // The pull request still hears why nothing was healed.
    if (reportPath) await writeOut(reportPath, renderErrorMarkdown(error.message, VERSION)).catch(() => undefined);
    return 2;
  }
}

function summary(result: CiResult): string {
  const lines = result.run.heals.map((h) =>
    h.branch
      ? `✓ ${h.outcome.failures[0].name} → ${h.branch.name}${h.branch.pushed ? ' (pushed)' : ''}`
      : `✗ ${h.outcome.failures[0].name}: ${h.skipped ?? h.outcome.reason ?? 'not healed'}`,
  );
  if (lines.length === 0) lines.push(`All ${result.run.baseline.passed} test(s) pass; nothing to heal.`);
  return lines.join('\n') + '\n';
}
