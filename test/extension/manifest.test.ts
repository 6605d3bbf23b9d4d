import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LlmSettings } from '../../src/core/healing/llm/settings';
import { FailureClass } from '../../src/core/model';
import { DEFAULT_POLICY, PolicyMode } from '../../src/core/policy';
import { Settings } from '../../src/core/settings';

interface Manifest {
  version: string;
  license: string;
  categories: string[];
  keywords: string[];
  preview: boolean;
  icon: string;
  repository: { type: string; url: string };
  activationEvents: string[];
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string }>>;
    configuration: Array<{ id: string; title: string; properties: Record<string, JsonSchema> }>;
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ icon: string }> };
    viewsWelcome: Array<{ view: string }>;
    walkthroughs: Array<{ steps: Array<{ media: { markdown?: string } }> }>;
  };
}

interface JsonSchema {
  type?: string;
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
}

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;

describe('package.json contributions', () => {
  it('never activates on "*"', () => {
    assert.ok(manifest.activationEvents.includes('workspaceContains:package.json'));
    assert.ok(!manifest.activationEvents.includes('*'));
  });

  it('files every command under the "Self-Heal" category, and menus name only contributed commands', () => {
    const ids = new Set(contributes.commands.map((command) => command.command));
    for (const command of contributes.commands) assert.equal(command.category, 'Self-Heal', command.command);
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const entry of entries) assert.ok(ids.has(entry.command), `${menu}: ${entry.command}`);
    }
  });

  it("describes every setting, with the core schemas' defaults: selfHeal.* and, in a category of its own, selfHeal.llm.*", () => {
    // One schema holds them all; selfHeal.llm.* is its `llm` section, shown in a category of its own.
    const { llm, ...plain } = Settings.parse({});
    const categories = [
      // selfHeal.policy is one object, checked against its own schema below.
      { id: 'selfHeal', prefix: 'selfHeal.', defaults: { ...plain, policy: {} } },
      { id: 'selfHeal.llm', prefix: 'selfHeal.llm.', defaults: llm },
    ];
    assert.deepEqual(llm, LlmSettings.parse({}));
    assert.deepEqual(
      contributes.configuration.map((category) => category.id),
      categories.map((category) => category.id),
    );
    for (const [index, { prefix, defaults }] of categories.entries()) {
      const { properties } = contributes.configuration[index]!;
      assert.deepEqual(
        Object.keys(properties).sort(),
        Object.keys(defaults)
          .map((key) => prefix + key)
          .sort(),
      );
      for (const [key, value] of Object.entries(defaults)) {
        const property = properties[prefix + key]!;
        assert.deepEqual(property.default, value, prefix + key);
        assert.ok(property.description ?? property.markdownDescription, `${prefix + key} has a description`);
      }
    }
  });

  it('describes selfHeal.policy with the core schema: its modes, every failure class, the floor and its defaults', () => {
    const policy = contributes.configuration[0]!.properties['selfHeal.policy']!;
    assert.equal(policy.type, 'object');
    assert.deepEqual(policy.default, {}, 'empty: the core fills in the conservative defaults');
    assert.match(policy.markdownDescription!, /suggest everything and auto-apply nothing/);
    const fields = policy.properties!;
    assert.deepEqual(Object.keys(fields).sort(), Object.keys(DEFAULT_POLICY).sort());
    assert.equal(policy.additionalProperties, false, 'settings.json flags a misspelt key');
    assert.deepEqual(fields.default!.enum, PolicyMode.options);
    assert.equal(fields.default!.default, DEFAULT_POLICY.default);
    assert.deepEqual(Object.keys(fields.classes!.properties!), FailureClass.options);
    for (const [cls, mode] of Object.entries(fields.classes!.properties!)) {
      assert.deepEqual(mode.enum, PolicyMode.options, cls);
      assert.ok(mode.markdownDescription, `${cls} has a description`);
    }
    const floor = fields.autoApplyFloor!.properties!;
    assert.deepEqual(Object.fromEntries(Object.entries(floor).map(([key, field]) => [key, field.default])), DEFAULT_POLICY.autoApplyFloor);
    assert.deepEqual(fields.neverEdit!.default, DEFAULT_POLICY.neverEdit);
    assert.equal(fields.neverEdit!.items?.type, 'string');
  });

  it('keeps the LLM off by default, with three attempts, as issue 6 asks', () => {
    const llm = contributes.configuration[1]!.properties;
    assert.equal(llm['selfHeal.llm.enabled']!.default, false);
    assert.equal(llm['selfHeal.llm.maxAttempts']!.default, 3);
  });

  it('gives the actions side by side in a view title distinct icons (Heal and Refresh were both circular arrows)', () => {
    const icons = new Map(manifest.contributes.commands.map((command) => [command.command, (command as { icon?: string }).icon]));
    const byView = new Map<string, Array<string | undefined>>();
    for (const item of (manifest.contributes.menus['view/title'] ?? []) as Array<{ command: string; when?: string }>) {
      const view = /view == ([\w.]+)/.exec(item.when ?? '')?.[1] ?? '';
      byView.set(view, [...(byView.get(view) ?? []), icons.get(item.command)]);
    }
    for (const [view, shown] of byView) assert.equal(new Set(shown).size, shown.length, `${view}: ${shown.join(', ')}`);
    assert.equal(icons.get('selfHeal.healFailingTests'), '$(lightbulb-autofix)');
  });

  it('has the history view with a welcome view, and its media files exist', () => {
    assert.deepEqual(
      contributes.views.selfHeal?.map((view) => view.id),
      ['selfHeal.history'],
    );
    assert.ok(contributes.viewsWelcome.some((welcome) => welcome.view === 'selfHeal.history'));
    const media = [
      ...contributes.viewsContainers.activitybar.map((container) => container.icon),
      ...contributes.walkthroughs.flatMap((walkthrough) => walkthrough.steps.map((step) => step.media.markdown!)),
    ];
    for (const file of media) assert.ok(fs.existsSync(path.join(root, file)), file);
  });

  it('targets the oldest VS Code whose API types the extension is checked against, and none newer than the offline tests run', () => {
    const [, minor] = /^\^1\.(\d+)\.0$/.exec(manifest.engines.vscode) ?? [];
    assert.ok(minor, `engines.vscode is ^1.N.0, got ${manifest.engines.vscode}`);
    assert.ok(Number(minor) <= 139, 'the real-VS-Code tests run code-server 4.139.1 (VS Code 1.139.1)');
    // vsce refuses @types/vscode newer than engines.vscode; equal, `tsc -p .` (the typecheck layer
    // of npm test) checks src/extension against exactly the API of the oldest VS Code it claims.
    assert.equal(manifest.devDependencies['@types/vscode'], `1.${minor}.0`);
    const installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, `1.${minor}.0`, 'node_modules holds the @types/vscode package.json names (npm ci)');
  });

  it('describes the extension for the Marketplace: categories, keywords, preview, repository, a 128 px PNG icon, LICENSE and CHANGELOG', () => {
    // The category names VS Code and the Marketplace accept (VS Code's extension manifest schema).
    const known = [
      'AI',
      'Azure',
      'Chat',
      'Data Science',
      'Debuggers',
      'Education',
      'Extension Packs',
      'Formatters',
      'Keymaps',
      'Language Packs',
      'Linters',
      'Machine Learning',
      'Notebooks',
      'Other',
      'Programming Languages',
      'SCM Providers',
      'Snippets',
      'Testing',
      'Themes',
      'Visualization',
    ];
    assert.deepEqual(manifest.categories, ['Testing', 'AI']);
    for (const category of manifest.categories) assert.ok(known.includes(category), category);
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30, 'the Marketplace takes at most 30 keywords');
    assert.equal(manifest.preview, true);
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w-]+\/[\w-]+$/, 'vsce resolves the README links against it');
    const icon = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG', 'the Marketplace takes no SVG icon');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'width and height from the IHDR chunk');
    assert.equal(manifest.license, 'MIT');
    assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} Self-Heal contributors\n/);
    assert.match(
      fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
      new RegExp(`^## \\[${manifest.version.replace(/\./g, '\\.')}\\]`, 'm'),
      'an entry for this version',
    );
  });
});
