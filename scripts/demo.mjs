// `npm run demo`: heal every project in examples/ offline and print what happened.
// Each example is copied to a temporary git repository first; the repo's own files never change.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'dist', 'cli.js');
const examples = path.join(repo, 'examples');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'self-heal-demo-'));

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'demo',
  GIT_AUTHOR_EMAIL: 'demo@example.invalid',
  GIT_COMMITTER_NAME: 'demo',
  GIT_COMMITTER_EMAIL: 'demo@example.invalid',
};

function prepare(name) {
  const dir = path.join(work, name);
  fs.cpSync(path.join(examples, name), dir, { recursive: true });
  // jest-based examples use the repo's own devDependencies instead of an install of their own.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'example'],
  ])
    execFileSync('git', args, { cwd: dir, env: gitEnv });
  return dir;
}

// "Bug class: …" examples are code bugs; "Test problem: …" ones are wrong tests.
const kindOf = (pkg) => (pkg.description.startsWith('Bug class') ? 'code bug' : 'test problem');
const rows = [];
for (const name of fs
  .readdirSync(examples)
  .filter((n) => fs.statSync(path.join(examples, n)).isDirectory() && n !== 'ci')
  .sort()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(examples, name, 'package.json'), 'utf8'));
  const dir = prepare(name);
  const started = Date.now();
  const run = spawnSync(process.execPath, [cli, 'heal', dir, '--json'], { encoding: 'utf8', timeout: 180_000 });
  const ms = Date.now() - started;
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    rows.push({ name, kind: kindOf(pkg), healed: 'error', ms, evidence: (run.stderr || run.stdout).trim().split('\n').pop() ?? '' });
    continue;
  }
  const heal = report.heals[0];
  const unhealed = report.unhealed[0];
  rows.push({
    name,
    kind: kindOf(pkg),
    diagnosed: heal?.diagnosis.class ?? unhealed?.class ?? '',
    healed: heal ? 'healed' : 'not healed',
    ms,
    candidates: heal?.candidatesTried ?? '',
    evidence: heal
      ? `✓ ${heal.evidence.targeted.passed}/${heal.evidence.targeted.total} failing now pass, ${heal.evidence.suite.passed}/${heal.evidence.suite.total} suite — ${heal.summary}`
      : unhealed
        ? unhealed.reason
        : '',
    diff: heal?.diff,
  });
}

const line = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
const widths = [22, 13, 18, 11, 7, 10];
console.log(`\nSelf-Heal demo — offline mutation engine, examples copied to ${work}\n`);
console.log(line(['example', 'kind', 'diagnosed as', 'result', 'time', 'candidates'], widths) + '  evidence');
console.log('-'.repeat(120));
for (const r of rows) console.log(line([r.name, r.kind, r.diagnosed, r.healed, `${(r.ms / 1000).toFixed(1)} s`, r.candidates], widths) + '  ' + r.evidence);
for (const r of rows.filter((x) => x.diff)) console.log(`\n--- ${r.name} ---\n${r.diff}`);
fs.rmSync(work, { recursive: true, force: true });
const codeBugs = rows.filter((r) => r.kind === 'code bug');
const testProblems = rows.filter((r) => r.kind === 'test problem');
// A test problem is handled when it is healed with a test edit, or diagnosed as its own class.
const handled = testProblems.filter((r) => r.healed === 'healed' || (r.diagnosed && r.diagnosed !== 'code-bug')).length;
const healedCode = codeBugs.filter((r) => r.healed === 'healed').length;
console.log(`\n${healedCode}/${codeBugs.length} code-bug examples healed and verified; ${handled}/${testProblems.length} test problems healed or labelled.`);
process.exit(healedCode === codeBugs.length ? 0 : 1);
