/**
 * node:test results. Node 20 prints TAP when its output is piped (which is how Self-Heal runs it)
 * and the spec reporter in a terminal, so both arrive here: TAP from runs Self-Heal controls,
 * spec from the integrated terminal. Both become NodeTest records (nodeResults.ts).
 */
import type { TestOutcome } from '../model';
import { errorIn, summarizeMessage, type ParseResult } from './failure';
import { isFileName, nodeTestResults, type NodeTest } from './nodeResults';
import { parseNodeSpec } from './nodeSpec';
import { parseLocation, parseStack, toWorkspacePath } from './stack';
import { parseTapYaml, tapValueText, type TapMap } from './tapYaml';

/** node:test output in either reporter; TAP is recognised by its header. */
export function parseNodeTest(text: string, root: string): ParseResult {
  return /^TAP version \d+/m.test(text) ? parseNodeTap(text, root) : parseNodeSpec(text, root);
}

interface TapResult {
  name: string;
  ok: boolean;
  directive?: 'skip' | 'todo';
  yaml: TapMap;
  children: TapResult[];
  /**
   * `# ` lines printed at this level since the previous result. For a file that failed outside
   * any test they hold its stderr, and with it the error: the result itself only says 'test failed'.
   */
  comments: string[];
}

const RESULT = /^(not ok|ok)\s+\d+(?:\s+-\s+(.*))?$/;
/** The directive starts at the first ` # ` node did not escape (it writes `#` in names as `\#`). */
const DIRECTIVE = /(?<!\\)\s+#\s+(SKIP|TODO)\b.*$/i;

/** Node's TAP: `# Subtest:` … `ok N - name`, children indented by four, YAML details after `---`. */
export function parseNodeTap(text: string, root: string): ParseResult {
  const lines = text.split('\n');
  const pending = new Map<number, TapResult[]>();
  const comments = new Map<number, string[]>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) {
      if (!trimmed.startsWith('# Subtest:')) atLevel(comments, indent).push(trimmed.replace(/^# ?/, ''));
      continue;
    }
    const match = RESULT.exec(trimmed);
    if (!match) continue;
    const yamlLines: string[] = [];
    if (lines[i + 1]?.trim() === '---') {
      const end = `${' '.repeat(indent + 2)}...`;
      for (i += 2; i < lines.length && lines[i].trimEnd() !== end; i++) yamlLines.push(lines[i]);
    }
    const rawName = match[2] ?? '';
    const directive = DIRECTIVE.exec(rawName)?.[1].toLowerCase() as TapResult['directive'];
    const result: TapResult = {
      name: rawName.replace(DIRECTIVE, '').replace(/\\([\\#])/g, '$1'),
      ok: match[1] === 'ok',
      directive,
      yaml: parseTapYaml(yamlLines),
      children: pending.get(indent + 4) ?? [],
      comments: comments.get(indent) ?? [],
    };
    for (const level of [...pending.keys()]) if (level > indent) pending.delete(level);
    for (const level of [...comments.keys()]) if (level >= indent) comments.delete(level);
    atLevel(pending, indent).push(result);
  }
  const top = Math.min(...pending.keys());
  const tests: NodeTest[] = [];
  for (const result of pending.get(top) ?? []) flattenTap(result, [], undefined, root, tests);
  return nodeTestResults(tests);
}

function atLevel<T>(levels: Map<number, T[]>, indent: number): T[] {
  let list = levels.get(indent);
  if (!list) levels.set(indent, (list = []));
  return list;
}

function flattenTap(result: TapResult, ancestors: string[], file: string | undefined, root: string, out: NodeTest[]): void {
  const { yaml } = result;
  const status: TestOutcome['status'] = result.directive ? 'skipped' : result.ok ? 'passed' : 'failed';
  if (isFileName(result.name)) {
    const wrapped = toWorkspacePath(result.name, root);
    for (const child of result.children) flattenTap(child, [], wrapped, root, out);
    if (result.children.length === 0 && status === 'failed') {
      const stack = parseStack(result.comments.join('\n'), root);
      const message = errorIn(result.comments) ?? tapMessage(yaml);
      out.push({ names: [], file: wrapped, status, container: false, failure: { message, stack } });
    }
    return;
  }
  const names = [...ancestors, result.name];
  for (const child of result.children) flattenTap(child, names, file, root, out);
  const failureType = typeof yaml.failureType === 'string' ? yaml.failureType : undefined;
  const ownFailure = status === 'failed' && failureType !== 'subtestsFailed' && failureType !== 'cancelledByParent';
  out.push({
    names,
    file,
    status,
    container: result.children.length > 0,
    failure: ownFailure
      ? {
          message: tapMessage(yaml),
          expected: 'expected' in yaml ? tapValueText(yaml.expected) : undefined,
          actual: 'actual' in yaml ? tapValueText(yaml.actual) : undefined,
          stack: typeof yaml.stack === 'string' ? parseStack(yaml.stack, root) : [],
          location: typeof yaml.location === 'string' ? parseLocation(yaml.location, root) : undefined,
        }
      : undefined,
  });
}

/** `name: error` as a thrown error prints, e.g. `AssertionError: Expected values to be strictly equal:`. */
function tapMessage(yaml: TapMap): string {
  const error = typeof yaml.error === 'string' ? yaml.error : String(yaml.failureType ?? 'test failed');
  const name = typeof yaml.name === 'string' ? yaml.name : undefined;
  return summarizeMessage(name && !error.startsWith(name) ? `${name}: ${error}` : error);
}
