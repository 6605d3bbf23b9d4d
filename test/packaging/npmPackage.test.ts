import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exampleProject, REPO_ROOT, tempDir } from '../helpers/repo';

// What `npm pack` would publish, from the dist/ that `npm test` builds first (no prepack here:
// --ignore-scripts, so the test does not rebuild the tree other tests use).
function npm(...args: string[]): string {
  return execFileSync('npm', [...args, '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
}

function packedFiles(): string[] {
  const [pack] = JSON.parse(npm('pack', '--dry-run', '--json')) as Array<{ files: Array<{ path: string }> }>;
  return pack!.files.map((file) => file.path).sort();
}

describe('the npm package (the CLI)', () => {
  it('holds the CLI bundle and what it loads next to itself, and nothing of the extension, the sources or the tests', () => {
    const files = packedFiles();
    const runtime = fs.readdirSync(path.join(REPO_ROOT, 'dist')).filter((name) => /\.(js|mjs|wasm)$/.test(name) && name !== 'extension.js');
    for (const name of runtime) assert.ok(files.includes(`dist/${name}`), `dist/${name}`);
    for (const name of ['cli.js', 'screenWorker.js', 'instrumenter.mjs', 'tree-sitter.wasm']) assert.ok(files.includes(`dist/${name}`), name);
    for (const name of fs.readdirSync(path.join(REPO_ROOT, 'prompts'))) assert.ok(files.includes(`prompts/${name}`), name);
    for (const name of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) assert.ok(files.includes(name), name);
    const unwanted = files.filter((file) => /\.map$|^dist\/extension\.js$|^(src|test|bench|examples|scripts|media|node_modules)\//.test(file));
    assert.deepEqual(unwanted, []);
  });

  it('declares no run-time dependencies: the bundle carries them', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies?: object;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), []);
    assert.equal(manifest.bin['self-heal'], './dist/cli.js');
    assert.match(manifest.scripts.prepack!, /esbuild\.js --production/, 'a fresh clone packs a built dist/');
  });

  it('heals from the unpacked package alone, with the mutation guard, where no node_modules can be found', () => {
    const out = tempDir('self-heal-pack-');
    const [pack] = JSON.parse(npm('pack', '--json', '--pack-destination', out)) as Array<{ filename: string }>;
    execFileSync('tar', ['-xzf', path.join(out, pack!.filename), '-C', out]);
    const cli = path.join(out, 'package', 'dist', 'cli.js');
    assert.equal(
      spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).stdout.trim(),
      `self-heal ${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}`,
    );
    const run = spawnSync(process.execPath, [cli, 'heal', exampleProject('off-by-one'), '--json'], {
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
    assert.equal(run.status, 0, run.stderr);
    const [heal] = JSON.parse(run.stdout).heals;
    const guard = heal.evidence.guards.find((g: { guard: string }) => g.guard === 'mutation');
    assert.match(guard.findings[0], /^killed: /, 'the instrumenter came from dist/instrumenter.mjs');
  });
});
