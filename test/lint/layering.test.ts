/**
 * The lint rules that keep the house in order fail on a violation: each case lints a real source
 * file with one offending import added, through ESLint's own API and the project's config.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../helpers/repo';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The rule ids ESLint reports for `file` with `line` put after its imports. */
async function violations(file: string, line: string): Promise<string[]> {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  // After the last import statement, however many lines the formatter gave it.
  const imports = [...text.matchAll(/^import [^;]*;$/gm)];
  const last = imports.at(-1);
  const at = last ? last.index + last[0].length + 1 : 0;
  const [result] = await eslint.lintText(text.slice(0, at) + line + '\n' + text.slice(at), { filePath: path.join(REPO_ROOT, file) });
  return result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('lint rules for the layout', () => {
  it('pass on the files as they are', async () => {
    assert.deepEqual(await violations('src/core/analysis/scope.ts', ''), []);
  });

  it('refuse an import from a room above (analysis must not reach into healing)', async () => {
    const found = await violations('src/core/analysis/scope.ts', "export { mutationsIn } from '../healing/mutation/operators';");
    assert.ok(
      found.some((m) => /^import-x\/no-restricted-paths: .*src\/core\/analysis sits below/.test(m)),
      found.join('\n'),
    );
  });

  it('refuse an import cycle', async () => {
    const found = await violations('src/core/healing/mutation/sink.ts', "export { mutationsIn } from './operators';");
    assert.ok(
      found.some((m) => m.startsWith('import-x/no-cycle')),
      found.join('\n'),
    );
  });

  it("refuse a host's import of the core's insides, and allow its public surface", async () => {
    const found = await violations('src/cli/recover.ts', "export { localize } from '../core/analysis/localize';");
    assert.ok(
      found.some((m) => m.startsWith('no-restricted-imports') && /public surface|api\.ts/.test(m)),
      found.join('\n'),
    );
    assert.deepEqual(await violations('src/cli/recover.ts', "export { suspectsOf } from '../core/api';"), []);
  });

  it("refuse 'vscode' in the core", async () => {
    const found = await violations('src/core/analysis/scope.ts', "export { window } from 'vscode';");
    assert.ok(
      found.some((m) => m.startsWith('no-restricted-imports') && /host-free/.test(m)),
      found.join('\n'),
    );
  });
});
