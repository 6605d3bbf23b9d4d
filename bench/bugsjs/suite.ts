/**
 * `npm run bench -- --suite bugsjs --project PATH_OR_GIT_DIR [--only 1,4] [--limit N]`: every bug
 * of one BugsJS project, one after the other (each runs the project's whole suite many times),
 * with a table per bug and totals against the goals of issue 13. Writes JSON and Markdown next
 * to the other results (bench/out, gitignored).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { machine } from '../report';
import { openProject, discoverBugs } from './project';
import { median } from './reference';
import { runBug, type BugResult } from './runBug';

export interface BugsJsSuiteOptions {
  project: string;
  only?: string[];
  limit?: number;
  /** Directory for the JSON and Markdown report. */
  outDir: string;
  healTimeoutMs: number;
  referenceRuns?: number;
}

const pct = (n: number, d: number): string => (d === 0 ? '—' : `${Math.round((100 * n) / d)}%`);
const yes = (b: boolean | undefined): string => (b === undefined ? '—' : b ? 'yes' : 'no');
const secs = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

function row(r: BugResult): string {
  if (r.status !== 'ran')
    return `| ${r.bug} | ${r.status}: ${(r.skipReason ?? r.error ?? '').replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 140)} | | | | | | |`;
  const loc = r.localization;
  const where = loc?.rank ? `#${loc.rank} ${loc.found}${loc.inPrompt ? '' : ' (not in prompt)'}` : 'no';
  const off = r.offline ? `${yes(r.offline.plausible)} / ${yes(r.offline.repaired)}` : '—';
  const o = r.oracle;
  const ceiling = o ? `${yes(o.accepted)} / ${yes(o.plausible)} / ${yes(o.repaired)}${o.exact ? '' : o.plausible ? ' (not exact)' : ''}` : '—';
  const ratio = o?.verifiedMs !== undefined && r.reference?.suiteMs ? `${(o.verifiedMs / r.reference.suiteMs).toFixed(1)}×` : '—';
  return `| ${r.bug} | ${yes(r.ran)}${r.ranProblem ? ` (${r.ranProblem.slice(0, 60)})` : ''} | ${where} | ${off} | ${ceiling} | ${secs(o?.verifiedMs)} | ${secs(r.reference?.suiteMs)} | ${ratio} |`;
}

export function formatBugsJs(project: string, commit: string, results: BugResult[]): string {
  const ran = results.filter((r) => r.status === 'ran');
  const skipped = results.filter((r) => r.status === 'skipped');
  const timed = ran.filter((r) => r.oracle?.verifiedMs !== undefined && r.reference?.suiteMs);
  const suite = median(ran.map((r) => r.reference!.suiteMs)) ?? 0;
  const medianFix = median(timed.map((r) => r.oracle!.verifiedMs!));
  const medianRatio = median(timed.map((r) => r.oracle!.verifiedMs! / r.reference!.suiteMs));
  const n = ran.length;
  const count = (f: (r: BugResult) => boolean | undefined): number => ran.filter((r) => f(r)).length;
  const adopted = results.filter((r) => r.adoptedDependencies);
  const lines = [
    `## BugsJS ${project} (Self-Heal ${commit})`,
    '',
    '| bug | ran | localized (top 5, in prompt) | offline plausible / repaired | pipeline ceiling (oracle model): accepted / verified+offered / repaired | time to verified fix (oracle) | suite | ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(row),
    '',
    `Bugs: ${results.length} (${n} judged, ${skipped.length} skipped, ${results.length - n - skipped.length} harness error).`,
    `- ran: ${count((r) => r.ran)}/${n} = ${pct(
      count((r) => r.ran),
      n,
    )} (goal 100%)`,
    `- localized: ${count((r) => r.localization?.localized)}/${n} = ${pct(
      count((r) => r.localization?.localized),
      n,
    )} (goal ≥ 90%)`,
    `- offline: plausible ${count((r) => r.offline?.plausible)}/${n}, repaired ${count((r) => r.offline?.repaired)}/${n}`,
    `- pipeline ceiling (oracle model): accepted ${count((r) => r.oracle?.accepted)}/${n}, verified and offered ${count((r) => r.oracle?.plausible)}/${n} = ${pct(
      count((r) => r.oracle?.plausible),
      n,
    )} (goal ≥ 95%), repaired ${count((r) => r.oracle?.repaired)}/${n}`,
    `- time to a verified fix, pipeline ceiling (oracle model): median ${secs(medianFix)} (median ratio to the suite time ${medianRatio === undefined ? '—' : `${medianRatio.toFixed(1)}×`}) against a median suite time of ${secs(suite)}; goal ≤ 3 × suite + 5 s = ${secs(3 * suite + 5000)}: ${medianFix === undefined ? 'no fix to time' : medianFix <= 3 * suite + 5000 ? 'met' : 'not met'}`,
  ];
  if (adopted.length)
    lines.push(
      '',
      "Installed with the fixed version's dependency ranges on both sides, because the fix also changes them (Self-Heal repairs source; the revealing tests are those the source change decides):",
      ...adopted.map((r) => `- Bug-${r.bug}${r.dependencyChanges?.length ? `: ${r.dependencyChanges.join(', ')}` : ': the lockfile'}`),
    );
  if (skipped.length) lines.push('', 'Skipped:', ...skipped.map((r) => `- Bug-${r.bug}: ${r.skipReason}`));
  const notes = ran.filter((r) => !r.oracle?.plausible || !r.ran || (r.oracle?.plausible && !r.oracle.repaired));
  if (notes.length) {
    lines.push('', "Why (ran = no, or the oracle model's fix not verified, or verified but not repaired):");
    for (const r of notes)
      lines.push(
        `- Bug-${r.bug}: ${[
          r.ranProblem,
          r.oracle?.reason ?? r.oracle?.error,
          r.oracle?.notRepaired ? `verified but not repaired: ${r.oracle.notRepaired}` : '',
          r.notExpressible?.length ? `fix also changes ${r.notExpressible.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      );
  }
  return lines.join('\n');
}

function selfHealCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown commit';
  }
}

export async function runBugsJsSuite(options: BugsJsSuiteOptions): Promise<{ markdown: string; json: string; results: BugResult[] }> {
  const project = await openProject(options.project);
  let bugs = await discoverBugs(project);
  if (options.only) bugs = bugs.filter((b) => options.only!.some((o) => o === String(b.number) || o === b.buggyTag));
  if (options.limit) bugs = bugs.slice(0, options.limit);
  const commit = selfHealCommit();
  const host = machine();
  process.stderr.write(`BugsJS ${project.name}: ${bugs.length} bug(s), Self-Heal ${commit}, ${host.cores} core(s), Node ${host.node}\n`);
  // Installs are shared by every run of the project, whatever --json says, so split runs reuse them.
  const cacheDir = path.join(__dirname, '..', 'out', 'bugsjs', project.name);
  const results: BugResult[] = [];
  const started = Date.now();
  // A test script may install packages itself (`make test-all` running `npm install` against a
  // registry mirror): offline, that is a no-op when the shared install has everything and fails at
  // once when it does not, instead of waiting minutes for a network this benchmark must not use.
  // Installs (installDependencies) are the one step allowed online.
  const offline = process.env.npm_config_offline;
  process.env.npm_config_offline = 'true';
  const jsonFile = path.join(options.outDir, `bugsjs-${project.name}.json`);
  const markdownFile = path.join(options.outDir, `bugsjs-${project.name}.md`);
  for (const bug of bugs) {
    process.stderr.write(`Bug-${bug.number}\n`);
    const result = await runBug(project, bug, {
      cacheDir,
      referenceRuns: options.referenceRuns ?? 3,
      healTimeoutMs: options.healTimeoutMs,
      installTimeoutMs: 900_000,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    results.push(result);
    process.stderr.write(`${row(result)}\n`);
    // Written after every bug, so a long run that is stopped still leaves its results.
    await fs.mkdir(options.outDir, { recursive: true });
    await fs.writeFile(
      jsonFile,
      JSON.stringify(
        { version: 1, project: project.name, gitDir: project.gitDir, selfHeal: commit, machine: host, wallMs: Date.now() - started, results },
        null,
        2,
      ) + '\n',
    );
  }
  if (offline === undefined) delete process.env.npm_config_offline;
  else process.env.npm_config_offline = offline;
  const markdown = `${formatBugsJs(project.name, commit, results)}\n\nMachine: ${host.cores} cores, ${host.cpu}, Node ${host.node}. Wall ${((Date.now() - started) / 1000).toFixed(0)} s.\n`;
  await fs.writeFile(markdownFile, markdown);
  return { markdown, json: jsonFile, results };
}
