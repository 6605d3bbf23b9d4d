import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ciCommand } from '../../src/cli/ci';
import { REPORT_MARKER } from '../../src/cli/report/markdown';
import { exampleProject, fingerprint, git, makeProject, ourSandboxes, tempDir } from '../helpers/repo';

const packageVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

interface Ran {
  code: number;
  stdout: string;
  report: string;
  sarif?: { runs: Array<{ results: unknown[] }> };
  branches: string[];
}

async function ci(dir: string, ...flags: string[]): Promise<Ran> {
  const out = tempDir();
  let stdout = '';
  const code = await ciCommand([dir, '--report', path.join(out, 'report.md'), '--sarif', path.join(out, 'out.sarif'), ...flags], new AbortController().signal, {
    write: (s: string) => (stdout += s),
  });
  const read = (f: string): string | undefined => (fs.existsSync(path.join(out, f)) ? fs.readFileSync(path.join(out, f), 'utf8') : undefined);
  const sarif = read('out.sarif');
  const branches =
    fs.existsSync(path.join(dir, '.git')) || fs.existsSync(path.join(dir, '..', '..', '.git'))
      ? git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/self-heal/').split('\n').filter(Boolean)
      : [];
  return { code, stdout, report: read('report.md') ?? '', sarif: sarif ? (JSON.parse(sarif) as Ran['sarif']) : undefined, branches };
}

/** The user's repository as it was, once the branches `ci` made are taken away again. */
function withoutBranches(dir: string, branches: string[]): string {
  for (const b of branches) git(dir, 'update-ref', '-d', `refs/heads/${b}`);
  return fingerprint(dir);
}

describe('self-heal ci', () => {
  it("commits the fix to a new branch on top of HEAD and leaves the user's repository as it was", async () => {
    const dir = exampleProject('off-by-one');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const current = git(dir, 'symbolic-ref', 'HEAD').trim();
    const before = fingerprint(dir);
    const ran = await ci(dir);
    assert.equal(ran.code, 0, ran.report);
    assert.equal(ran.branches.length, 1);
    const [branch] = ran.branches;
    assert.match(branch, /^self-heal\/range-h-[0-9a-f]{8}$/);
    assert.equal(git(dir, 'rev-parse', `${branch}^`).trim(), head, 'the branch is made from HEAD');
    assert.equal(git(dir, 'rev-list', '--count', `HEAD..${branch}`).trim(), '1', 'it holds exactly one commit');
    assert.equal(git(dir, 'diff', '--name-only', 'HEAD', branch).trim(), 'src/range.js');
    assert.match(git(dir, 'show', `${branch}:src/range.js`), /i <= end/);
    assert.match(
      git(dir, 'log', '-1', '--format=%B', branch),
      /^self-heal: replace `<` with `<=` on line 4\n\nHeals the failing test\(s\):\n- range includes both ends\n[\s\S]*\nSelf-Heal-Id: h-[0-9a-f]{8}\n/,
    );
    assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), head, 'HEAD did not move');
    assert.equal(git(dir, 'symbolic-ref', 'HEAD').trim(), current, 'still on the same branch');
    assert.ok(ran.report.startsWith(REPORT_MARKER));
    assert.match(
      ran.report,
      new RegExp(
        `## Self-Heal: 1 of 1 failing test healed[\\s\\S]*\\*\\*Branch:\\*\\* \`${branch}\`: commit \`[0-9a-f]{7}\` on top of \`${head.slice(0, 7)}\`, not pushed`,
      ),
    );
    assert.equal(ran.sarif?.runs[0].results.length, 1);
    assert.ok(ran.report.includes(`<sub>Self-Heal ${packageVersion} · \`self-heal ci\``), 'the report names the version package.json gives');
    assert.equal(ran.stdout, `✓ range includes both ends → ${branch}\n`);
    assert.equal(withoutBranches(dir, ran.branches), before, 'working tree, index, HEAD and stash are as they were');
    assert.deepEqual(ourSandboxes(), [], 'the worktree and the sandbox are removed');
  });

  it('heals the commit, not the uncommitted changes, and leaves those changes alone', async () => {
    const dir = exampleProject('off-by-one');
    const range = path.join(dir, 'src/range.js');
    fs.writeFileSync(range, fs.readFileSync(range, 'utf8').replace('const out = [];', 'const out = []; // work in progress'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
    fs.writeFileSync(path.join(dir, 'package.json'), fs.readFileSync(path.join(dir, 'package.json'), 'utf8').replace('"private": true', '"private": false'));
    git(dir, 'add', 'package.json');
    const before = fingerprint(dir);
    const ran = await ci(dir);
    assert.equal(ran.code, 0, ran.report);
    const fixed = git(dir, 'show', `${ran.branches[0]}:src/range.js`);
    assert.match(fixed, /i <= end/);
    assert.doesNotMatch(fixed, /work in progress/, 'uncommitted edits are not smuggled into the commit');
    assert.equal(git(dir, 'diff', '--name-only', 'HEAD', ran.branches[0]).trim(), 'src/range.js');
    assert.match(ran.report, /> The working tree had 3 uncommitted changes; they were not part of what was healed\./);
    assert.equal(withoutBranches(dir, ran.branches), before);
  });

  it("follows the team's policy: a class that is off gets no branch, and the run says some failures remain", async () => {
    const dir = exampleProject('off-by-one');
    fs.writeFileSync(path.join(dir, '.self-heal.json'), '{ "policy": { "classes": { "code-bug": "off" } } }\n');
    git(dir, 'add', '.self-heal.json');
    git(dir, 'commit', '-qm', 'policy');
    const ran = await ci(dir);
    assert.equal(ran.code, 1);
    assert.deepEqual(ran.branches, []);
    assert.match(ran.report, /## Self-Heal: 0 of 1 failing test healed/);
    assert.match(ran.report, /\*\*Policy:\*\* off — selfHeal\.policy\.classes\["code-bug"\] is off\./);
    assert.match(ran.report, /\*\*No branch:\*\* the policy is off for code-bug/);
    assert.match(ran.report, /policy from \.self-heal\.json/);
  });

  it('pushes the branches only with --push', async () => {
    const dir = exampleProject('off-by-one');
    const remote = tempDir();
    git(remote, 'init', '-q', '--bare');
    git(dir, 'remote', 'add', 'origin', remote);
    const ran = await ci(dir, '--push');
    assert.equal(ran.code, 0, ran.report);
    const pushed = git(remote, 'for-each-ref', '--format=%(refname:short) %(objectname)').trim();
    assert.equal(pushed, `${ran.branches[0]} ${git(dir, 'rev-parse', ran.branches[0]).trim()}`, 'the remote has the fix branch and nothing else');
    assert.match(ran.report, /pushed to `origin`/);
  });

  it('puts the commit at the right path when the workspace is a folder inside the repository', async () => {
    const example = exampleProject('off-by-one', { commit: false });
    const files: Record<string, string> = { 'README.md': '# monorepo\n' };
    for (const rel of ['package.json', 'src/range.js', 'test/range.test.js']) files[`packages/app/${rel}`] = fs.readFileSync(path.join(example, rel), 'utf8');
    const repo = makeProject(files);
    const ran = await ci(path.join(repo, 'packages/app'));
    assert.equal(ran.code, 0, ran.report);
    assert.equal(git(repo, 'diff', '--name-only', 'HEAD', ran.branches[0]).trim(), 'packages/app/src/range.js');
  });

  it('reports that all tests pass and makes no branch when nothing fails', async () => {
    const dir = makeProject({ 'package.json': '{"scripts":{"test":"node --test"}}', 'test/a.test.js': "require('node:test')('ok', () => {});\n" });
    const ran = await ci(dir);
    assert.equal(ran.code, 0);
    assert.deepEqual(ran.branches, []);
    assert.match(ran.report, /## Self-Heal: all 1 test pass\n[\s\S]*Nothing to heal\./);
  });

  it('refuses a folder that is not a git repository, with exit code 2 and a report that says why', async () => {
    const dir = exampleProject('off-by-one', { commit: false });
    const before = fingerprint(dir);
    const ran = await ci(dir);
    assert.equal(ran.code, 2);
    assert.match(
      ran.report,
      /## Self-Heal could not run\n\n.* is not a git repository with a commit\. `self-heal ci` puts each fix on a new branch, so it needs one; use `self-heal heal` elsewhere\./,
    );
    assert.equal(fingerprint(dir), before);
  });

  it('refuses a branch prefix that makes no valid branch name, before running anything', async () => {
    // The test command leaves a mark outside the sandbox when it runs.
    const mark = path.join(tempDir(), 'tests-ran');
    const dir = makeProject({
      'package.json': '{"scripts":{"test":"node mark.js"}}',
      'mark.js': `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran');\nprocess.exit(1);\n`,
    });
    const ran = await ci(dir, '--branch-prefix', 'bad..name/');
    assert.equal(ran.code, 2);
    assert.deepEqual(ran.branches, []);
    assert.equal((await ci(dir, '--max-candidates', 'many')).code, 2);
    assert.equal((await ci(dir, '--frobnicate')).code, 2);
    assert.equal(fs.existsSync(mark), false, 'no test ran');
    assert.deepEqual(ourSandboxes(), []);
  });
});
