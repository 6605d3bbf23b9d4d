import * as assert from 'node:assert';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import { activationWallMs, EXTENSION_ID, metric, selfHeal } from './helpers';
import type { SelfHealApi } from '../../../src/extension/activate';

interface Manifest {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string; title: string; category?: string }> };
}

describe('activation', () => {
  let api: SelfHealApi;
  const manifest = (): Manifest => vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;

  before(async () => {
    api = await selfHeal();
  });

  // The 100 ms activation goal is a benchmark figure (the metrics below, reported by the harness),
  // not an assertion: a timed assertion on a shared machine is flaky. What is asserted is the
  // behaviour that keeps activation cheap: it starts no test run and no heal of its own.
  it('activates without running tests or healing (its time, goal 100 ms, reported as a metric)', () => {
    metric('activation_ms', api.activationMs);
    if (activationWallMs !== undefined) metric('activation_wall_ms', activationWallMs);
    const ours = vscode.languages
      .getDiagnostics()
      .flatMap(([, diagnostics]) => diagnostics)
      .filter((diagnostic) => diagnostic.source === 'Self-Heal');
    assert.deepStrictEqual(ours, [], 'no test run was read');
    assert.deepStrictEqual(api.cache.verified(), [], 'no heal ran');
    assert.strictEqual(api.healer.lastSignalToVerifiedMs, undefined);
  });

  it('loads its bundle with nothing from outside it but VS Code (load time reported as a metric)', () => {
    // VS Code does not expose its activation timings to extensions, so load the bundle again the
    // same way (require, in this extension host) and add the measured activate() time.
    const bundle = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'extension.js');
    const load = createRequire(__filename);
    const cached = load.cache[bundle];
    delete load.cache[bundle];
    const modulesBefore = new Set(Object.keys(load.cache));
    const started = performance.now();
    load(bundle);
    const loadMs = performance.now() - started;
    const loaded = Object.keys(load.cache).filter((file) => !modulesBefore.has(file));
    if (cached) load.cache[bundle] = cached;
    metric('bundle_load_ms', loadMs);
    metric('activation_total_ms', loadMs + api.activationMs);
    // The VSIX ships no node_modules: a module the bundle requires from a file would be missing there.
    assert.deepStrictEqual(loaded, [bundle]);
  });

  it('activates on package.json workspaces and its commands, never on "*"', () => {
    const events = manifest().activationEvents;
    assert.ok(events.includes('workspaceContains:package.json'));
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
    for (const { command } of manifest().contributes.commands) assert.ok(events.includes(`onCommand:${command}`), command);
  });

  it('registers exactly the commands of its table, as package.json contributes them', async () => {
    const contributed = manifest()
      .contributes.commands.map(({ command, title }) => `${command} = ${title}`)
      .sort();
    const table = api.commands.map(({ id, title }) => `${id} = ${title}`).sort();
    assert.deepStrictEqual(table, contributed);
    for (const command of manifest().contributes.commands) {
      assert.strictEqual(command.category, 'Self-Heal', command.command);
      assert.match(command.command, /^selfHeal\.[a-z]+[A-Z]\w*$/, 'ids are selfHeal.verbNoun');
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { id } of api.commands) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('loads tree-sitter in the background after activation', async function () {
    this.timeout(30_000);
    const started = performance.now();
    await api.treeSitterReady();
    metric('tree_sitter_ready_wait_ms', performance.now() - started);
  });
});
