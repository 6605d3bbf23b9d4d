/**
 * Where Self-Heal's own reporter modules are. They ship beside the bundle (dist/reporters, copied
 * by esbuild.js) and are found relative to it, as the tree-sitter wasm is; running from source
 * (tests, tsx) they are the originals in src/reporters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The variable our reporters read their output path from (old mocha has no reporter options). */
export const REPORT_FILE_ENV = 'SELF_HEAL_REPORT_FILE';
/** The folder a reporter that splits V8 coverage per test writes N.json and index.json into (src/reporters/mocha.cjs). */
export const TEST_COVERAGE_DIR_ENV = 'SELF_HEAL_TEST_COVERAGE_DIR';

const MARKER = 'mocha.cjs';
let found: string | undefined;

export function reportersDir(): string {
  if (found) return found;
  const bundled = path.join(__dirname, 'reporters');
  if (fs.existsSync(path.join(bundled, MARKER))) return (found = bundled);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const source = path.join(dir, 'src', 'reporters');
    if (fs.existsSync(path.join(source, MARKER))) return (found = source);
    dir = path.dirname(dir);
  }
  throw new Error(`Self-Heal's reporter files are missing (looked for ${bundled}); reinstall Self-Heal.`);
}
