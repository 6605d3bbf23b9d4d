/**
 * Template "missing environment variable": say which variable, where the code reads it and
 * where the project documents it. Nothing is written: the value may be a secret, and a made-up
 * one would only turn a clear failure into a confusing one.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '.self-heal', '.next']);
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const EXAMPLES = ['.env.example', '.env.sample', '.env.template', '.env.dist', 'example.env'];
const MAX_FILES = 3000;

export interface EnvReads {
  /** `file:line` of the first places that read it. */
  reads: string[];
  /** Example env files that list it. */
  documentedIn: string[];
}

/** Where the workspace at `root` reads `name` (process.env, import.meta.env) and documents it. */
export async function findEnvReads(root: string, name: string): Promise<EnvReads> {
  const read = new RegExp(`(?:process\\.env|import\\.meta\\.env)(?:\\.${name}\\b|\\[\\s*['"\`]${name}['"\`]\\s*\\])`);
  const reads: string[] = [];
  let seen = 0;
  const visit = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (reads.length >= 3 || seen >= MAX_FILES) return;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !SKIP.has(entry.name)) await visit(child);
      else if (entry.isFile() && SOURCE.test(entry.name)) {
        seen++;
        const text = await fs.readFile(path.join(root, child), 'utf8').catch(() => '');
        if (text.length > 1_000_000) continue;
        const lines = text.split('\n');
        const index = lines.findIndex((l) => read.test(l));
        if (index >= 0) reads.push(`${child}:${index + 1}`);
      }
    }
  };
  await visit('');
  const documentedIn: string[] = [];
  for (const file of EXAMPLES) {
    const text = await fs.readFile(path.join(root, file), 'utf8').catch(() => undefined);
    if (text && new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`, 'm').test(text)) documentedIn.push(file);
  }
  return { reads, documentedIn };
}

export function envAdvice(name: string, found: EnvReads): string {
  const where = found.reads.length ? ` It is read at ${found.reads.join(', ')}.` : '';
  const documented = found.documentedIn.length ? ` ${found.documentedIn.join(' and ')} list${found.documentedIn.length === 1 ? 's' : ''} it.` : '';
  return (
    `The tests need the environment variable ${name}, which is not set where they ran.${where}${documented} ` +
    `Set it before running the tests (\`export ${name}=…\`; in GitHub Actions, \`env: ${name}: \${{ secrets.${name} }}\`). ` +
    'Self-Heal does not make up a value: it may be a secret.'
  );
}
