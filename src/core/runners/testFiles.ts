/**
 * The test files a runner command runs: the paths the command names (files, folders, simple
 * globs), else the runner's default patterns, relative to the project root. Used to run files
 * one at a time when the whole suite does not finish.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseRunnerCommand } from './commandLine';
import type { RunnerDescriptor } from './descriptor';

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage', '.self-heal']);
/** A project with more test files than this is not split file by file. */
export const MAX_TEST_FILES = 400;

export async function testFilesOf(runner: RunnerDescriptor, command: string, root: string): Promise<string[]> {
  const line = parseRunnerCommand(runner, command);
  if (!line) return [];
  const unquoted = line.paths.map((p) =>
    p
      .replace(/^(['"])(.*)\1$/, '$2')
      .replace(/^\.\//, '')
      .replace(/\/$/, ''),
  );
  // Mocha walks folders one level deep unless told --recursive; the other runners always recurse.
  const recursive = runner.name !== 'mocha' || line.flags.some((flag) => /^['"]?--recursive\b/.test(flag));
  const all = await walk(root, '', true);
  if (unquoted.length === 0) return all.filter((rel) => runner.defaultTestFiles.some((pattern) => pattern.test(rel)));
  const found = new Set<string>();
  for (const target of unquoted) {
    const pattern = /[*?{]/.test(target) ? globRegex(target) : undefined;
    for (const rel of all) {
      if (!SOURCE.test(rel)) continue;
      const inside = rel.startsWith(`${target}/`) && (recursive || !rel.slice(target.length + 1).includes('/'));
      if (rel === target || inside || pattern?.test(rel)) found.add(rel);
    }
  }
  return [...found].sort();
}

async function walk(root: string, rel: string, deep: boolean): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && deep && !SKIPPED_DIRS.has(entry.name)) out.push(...(await walk(root, child, deep)));
    else if (entry.isFile()) out.push(child);
    if (out.length > MAX_TEST_FILES * 20) break;
  }
  return out;
}

/** `test/**\/*.spec.js`, `test/*.{js,mjs}`: the glob shapes test scripts use. */
function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
