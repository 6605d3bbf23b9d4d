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

  it('activates within the 100 ms budget, without loading tree-sitter or the core', () => {
    metric('activation_ms', api.activationMs);
    if (activationWallMs !== undefined) metric('activation_wall_ms', activationWallMs);
    assert.ok(api.activationMs <= 100, `activate() took ${api.activationMs.toFixed(1)} ms`);
  });

  it('loads its bundle and activates within 100 ms together (the core and tree-sitter load lazily)', () => {
    // VS Code does not expose its activation timings to extensions, so load the bundle again the
    // same way (require, in this extension host) and add the measured activate() time.
    const bundle = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'extension.js');
    const load = createRequire(__filename);
    const cached = load.cache[bundle];
    delete load.cache[bundle];
    const started = performance.now();
    load(bundle);
    const loadMs = performance.now() - started;
    if (cached) load.cache[bundle] = cached;
    metric('bundle_load_ms', loadMs);
    metric('activation_total_ms', loadMs + api.activationMs);
    assert.ok(loadMs + api.activationMs <= 100, `load ${loadMs.toFixed(1)} ms + activate ${api.activationMs.toFixed(1)} ms`);
  });

  it('activates on package.json workspaces and its commands, never on "*"', () => {
    const events = manifest().activationEvents;
    assert.ok(events.includes('workspaceContains:package.json'));
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
    for (const { command } of manifest().contributes.commands) assert.ok(events.includes(`onCommand:${command}`), command);
  });

  it('registers exactly the commands of its table, as package.json contributes them', async () => {
    const contributed = manifest().contributes.commands.map(({ command, title }) => `${command} = ${title}`).sort();
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
