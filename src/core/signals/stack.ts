/**
 * V8 stack frames → StackFrame[] with workspace-relative paths. Every runner prints V8 frames,
 * just dressed differently: `at fn (file:1:2)` (node, mocha, jest), bare `fn (file:1:2)` lines in
 * node:test's TAP `stack: |-` block, `file:///…` URLs for ES modules, `❯ file:1:2` in vitest, and
 * paths relative to the runner's cwd (mocha and jest shorten them). Localisation needs them all
 * in one form: relative to the workspace root when inside it, absolute otherwise.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../model';

/** `fn (location)`, with an optional `at ` lead; fn may contain spaces (`async Promise.all`). */
const CALL_FRAME = /^(?:at\s+)?(\S.*?)\s+\((.+)\)$/;
/** `at location`: anonymous code, where V8 omits the function and the parentheses. */
const AT_FRAME = /^at\s+(.+)$/;
/** Vitest's `❯ [fn] location`, no parentheses; the location is the last word. */
const VITEST_FRAME = /^❯\s+(?:(.+?)\s+)?(\S+:\d+(?::\d+)?)$/;
/** `path:line[:col]`; the lazy path still takes in `C:` and `node:` prefixes, whose colons lack digits. */
const LOCATION = /^(.+?):(\d+)(?::(\d+))?$/;

/**
 * Whether the text before `:line` names a file: a scheme, a separator or an extension. Message
 * text like `Unexpected token (2:10)` would otherwise pass for a frame in file `2`.
 */
function looksLikePath(text: string): boolean {
  return /^(?:node|file):/.test(text) || /[\\/]/.test(text) || /\.\w+$/.test(text);
}

/** Parse every line of `text` that is a stack frame; other lines are ignored. */
export function parseStack(text: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of text.split('\n')) {
    const frame = parseFrame(line, root);
    if (frame) frames.push(frame);
  }
  return frames;
}

/** One frame line, or undefined when the line is not a frame (or points at no source line). */
export function parseFrame(line: string, root: string): StackFrame | undefined {
  const trimmed = line.trim();
  const call = CALL_FRAME.exec(trimmed);
  if (call) {
    const location = parseLocation(call[2], root);
    return location && { ...location, fn: call[1] };
  }
  const vitest = VITEST_FRAME.exec(trimmed);
  if (vitest) {
    const location = parseLocation(vitest[2], root);
    return location && (vitest[1] ? { ...location, fn: vitest[1] } : location);
  }
  const at = AT_FRAME.exec(trimmed);
  if (at) return parseLocation(at[1], root);
  // A bare location (`/abs/file.js:12:3`) counts only without spaces: prose never qualifies.
  return /\s/.test(trimmed) ? undefined : parseLocation(trimmed, root);
}

/** `path:line[:col]` (path may be a file URL or relative to root) → frame without fn. */
export function parseLocation(text: string, root: string): StackFrame | undefined {
  const match = LOCATION.exec(text.trim());
  if (!match || !looksLikePath(match[1])) return undefined;
  const frame: StackFrame = { file: toWorkspacePath(match[1], root), line: Number(match[2]) };
  if (match[3] !== undefined) frame.column = Number(match[3]);
  return frame;
}

/**
 * Workspace-relative POSIX path when `file` lies inside `root`, otherwise the absolute path.
 * `node:` built-ins stay as they are. Relative paths are taken as relative to root, because
 * runners print them relative to their cwd and Self-Heal runs them at the workspace root.
 */
export function toWorkspacePath(file: string, root: string): string {
  if (file.startsWith('node:')) return file;
  let absolute = file;
  if (file.startsWith('file://')) {
    try {
      absolute = fileURLToPath(file);
    } catch {
      return file;
    }
  }
  absolute = path.resolve(root, absolute);
  const relative = path.relative(root, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join('/');
}

/** True for a workspace-relative path outside node_modules: code the user can change. */
export function isProjectFile(file: string): boolean {
  return !path.isAbsolute(file) && !file.startsWith('node:') && !file.startsWith('../') && !file.split('/').includes('node_modules');
}

/** The frames in the user's own code, in order: what localisation starts from. */
export function projectFrames(frames: readonly StackFrame[]): StackFrame[] {
  return frames.filter((frame) => isProjectFile(frame.file));
}
