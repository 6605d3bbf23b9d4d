/**
 * What may be sent to the model and what it may edit: workspace-relative paths only (no `../`,
 * no absolute paths, no symlink that leads out), never a file matched by a `.gitignore` or a
 * `selfHeal.llm.exclude` glob, and never the usual secret holders even when nobody ignored them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Secret holders that stay private whatever the ignore files say. */
const ALWAYS_PRIVATE = ['.env', '.env.*', '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa*', 'id_ed25519*', '.npmrc', '.netrc', '.git/', 'node_modules/'];

export type PathCheck = { ok: true; rel: string } | { ok: false; reason: string };

/** Normalize a path the model (or a stack trace) gave, refusing anything that is not plainly inside the workspace. */
export function workspaceRelative(file: string): PathCheck {
  const raw = file.trim();
  if (raw === '') return { ok: false, reason: 'the path is empty' };
  if (path.isAbsolute(raw) || path.win32.isAbsolute(raw) || /^[A-Za-z]:/.test(raw))
    return { ok: false, reason: `${raw} is an absolute path; paths must be relative to the workspace root` };
  if (raw.includes('\\')) return { ok: false, reason: `${raw} uses backslashes; use workspace-relative paths with /` };
  const rel = path.posix.normalize(raw).replace(/^\.\//, '');
  if (rel === '..' || rel.startsWith('../') || raw.split('/').includes('..')) return { ok: false, reason: `${raw} points outside the workspace (..)` };
  if (rel === '.' || rel.endsWith('/')) return { ok: false, reason: `${raw} is a folder, not a file` };
  return { ok: true, rel };
}

export class Privacy {
  private readonly perDir = new Map<string, Ignore | undefined>();

  private constructor(
    private readonly root: string,
    private readonly rules: Ignore,
  ) {}

  static create(root: string, exclude: string[] = []): Privacy {
    return new Privacy(root, ignore().add(ALWAYS_PRIVATE).add(exclude));
  }

  private async gitignoreOf(dir: string): Promise<Ignore | undefined> {
    if (!this.perDir.has(dir)) {
      const text = await fs.readFile(path.join(this.root, dir, '.gitignore'), 'utf8').catch(() => undefined);
      this.perDir.set(dir, text === undefined ? undefined : ignore().add(text));
    }
    return this.perDir.get(dir);
  }

  /** Why `rel` must not be sent or edited, or undefined when it may. `rel` must already be workspace-relative. */
  async excluded(rel: string): Promise<string | undefined> {
    if (this.rules.ignores(rel)) return `${rel} is private (a secret file or a selfHeal.llm.exclude pattern)`;
    // Each .gitignore on the way down applies to paths relative to its own folder.
    const parts = rel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const rules = await this.gitignoreOf(dir);
      if (!rules) continue;
      const below = parts.slice(depth).join('/');
      for (let i = 1; i < parts.length - depth; i++)
        if (rules.ignores(parts.slice(depth, depth + i).join('/') + '/')) return `${rel} is ignored by ${dir ? `${dir}/` : ''}.gitignore`;
      if (rules.ignores(below)) return `${rel} is ignored by ${dir ? `${dir}/` : ''}.gitignore`;
    }
    return undefined;
  }

  /** Full check for a path the model named: well-formed, inside the workspace after symlinks, not private, an existing file. */
  async check(file: string): Promise<PathCheck> {
    const shape = workspaceRelative(file);
    if (!shape.ok) return shape;
    const why = await this.excluded(shape.rel);
    if (why) return { ok: false, reason: why };
    const root = await fs.realpath(this.root);
    const real = await fs.realpath(path.join(root, shape.rel)).catch(() => undefined);
    if (real === undefined) return { ok: false, reason: `${shape.rel} does not exist (the LLM engine edits existing files only)` };
    if (!real.startsWith(root + path.sep)) return { ok: false, reason: `${shape.rel} resolves outside the workspace (a symlink to ${real})` };
    const stat = await fs.stat(real);
    if (!stat.isFile()) return { ok: false, reason: `${shape.rel} is not a regular file` };
    return shape;
  }
}
