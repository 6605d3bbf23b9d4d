/**
 * node:test's spec reporter, the one a developer sees in the integrated terminal:
 *
 *   ▶ math                      a suite (or a test with subtests) opens
 *     ✔ multiplies (0.6ms)
 *     ✖ adds (1.3ms)
 *       AssertionError [ERR_ASSERTION]: …   error block, indented under its test
 *     ﹣ divides (0.1ms) # SKIP
 *   ✖ math (4ms)                the same suite closes
 *   ✖ failing tests:            then every failure again, each after `test at file:line:col`
 *
 * The tree gives names and statuses; the failing-tests section adds the file of each failure.
 */
import type { StackFrame, TestOutcome } from '../model';
import { dedent, errorIn, indentOf, summarizeMessage, type ParseResult } from './failure';
import { isFileName, nodeTestResults, type NodeTest } from './nodeResults';
import { parseLocation, parseStack, toWorkspacePath } from './stack';
import { unescapeJs } from './tapYaml';

const MARK = /^(▶|✔|✖|﹣)\s+(.*)$/;
const DIRECTIVE = /\s+#\s+(SKIP|TODO)\b.*$/i;
const DURATION = /\s+\([\d.]+m?s\)$/;
const FAILING_SECTION = /^✖ failing tests:$/m;
const CANCELLED = 'test did not finish before its parent and was cancelled';

interface Open {
  indent: number;
  name: string;
}

export function parseNodeSpec(text: string, root: string): ParseResult {
  const section = FAILING_SECTION.exec(text);
  const tree = (section ? text.slice(0, section.index) : text).split('\n');
  const tests: NodeTest[] = [];
  const open: Open[] = [];
  let stderr: string[] = [];
  for (let i = 0; i < tree.length; i++) {
    const indent = indentOf(tree[i]);
    const mark = MARK.exec(tree[i].trim());
    if (!mark) {
      if (!tree[i].trim().startsWith('ℹ')) stderr.push(tree[i]);
      continue;
    }
    const [, symbol, rest] = mark;
    const name = rest.replace(DIRECTIVE, '').replace(DURATION, '');
    if (symbol === '▶' && !DURATION.test(rest)) {
      open.push({ indent, name });
      stderr = [];
      continue;
    }
    const block: string[] = [];
    while (i + 1 < tree.length && (tree[i + 1].trim() === '' || indentOf(tree[i + 1]) > indent)) block.push(tree[++i]);
    while (block.length && block[block.length - 1].trim() === '') block.pop();
    while (open.length && open[open.length - 1].indent > indent) open.pop();
    const closing = open.length > 0 && open[open.length - 1].indent === indent && open[open.length - 1].name === name;
    if (closing) open.pop();
    const wrapper = [...open].reverse().find((entry) => isFileName(entry.name));
    const file = wrapper && toWorkspacePath(wrapper.name, root);
    const names = [...open.filter((entry) => !isFileName(entry.name)).map((entry) => entry.name), name];
    const status: TestOutcome['status'] = symbol === '﹣' || DIRECTIVE.test(rest) ? 'skipped' : symbol === '✖' ? 'failed' : 'passed';
    if (closing && isFileName(name)) {
      stderr = [];
      continue;
    }
    if (isFileName(name) && status === 'failed') {
      // The ✖ line only says 'test failed'; the error is in the stderr printed before it.
      const message = errorIn(stderr) ?? summarizeMessage(specMessage(block));
      const stack = parseStack(stderr.join('\n'), root);
      tests.push({ names: [], file: toWorkspacePath(name, root), status, container: false, failure: { message, stack } });
    } else {
      const failure = status === 'failed' ? specFailure(block, root) : undefined;
      if (!closing || failure) tests.push({ names, file, status, container: closing, failure });
    }
    stderr = [];
  }
  if (section) addLocations(tests, text.slice(section.index), root);
  return nodeTestResults(tests);
}

/** The error printed under a ✖ line; undefined when the test only failed through its subtests. */
function specFailure(block: readonly string[], root: string): NodeTest['failure'] {
  const message = specMessage(block);
  if (message === '' || message === CANCELLED || /^\d+ subtests? failed$/.test(message)) return undefined;
  const lines = dedent(block);
  const stack = parseStack(lines.join('\n'), root);
  return { message: summarizeMessage(message), stack, ...inspectedValues(lines) };
}

/** The error text; a non-Error failure is printed as an inspected string, quotes and all. */
function specMessage(block: readonly string[]): string {
  const text = dedent(block).join('\n').trim();
  return /^'.*'$/.test(text) ? unescapeJs(text.slice(1, -1)) : text;
}

/**
 * `actual:` and `expected:` from the properties util.inspect prints after an assertion's stack
 * (`at … {` … `  actual: -1,` … `}`). Values stay in inspect form, except strings, which are
 * unquoted so that 'a\nb' reads as the two lines it is.
 */
function inspectedValues(lines: readonly string[]): { expected?: string; actual?: string } {
  const start = lines.findIndex((line) => /^\s*at .*\{$/.test(line));
  if (start < 0) return {};
  const values: Record<string, string> = {};
  for (let i = start + 1; i < lines.length; i++) {
    const property = /^ {2}(actual|expected): (.*)$/.exec(lines[i]);
    if (!property) continue;
    const parts = [property[2]];
    while (i + 1 < lines.length && indentOf(lines[i + 1]) > 2) parts.push(lines[++i].trim());
    const value = parts.join(' ').replace(/,$/, '');
    values[property[1]] = /^'.*'$/.test(value) ? unescapeJs(value.slice(1, -1)) : value;
  }
  return values;
}

/**
 * The failing-tests section names each failure's declaration (`test at math.test.js:9:3`, relative
 * to the cwd). The tree lacks it, so match failures to it by name, in order.
 */
function addLocations(tests: NodeTest[], section: string, root: string): void {
  const entries: { name: string; location: StackFrame }[] = [];
  const lines = section.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const at = /^test at (.+)$/.exec(lines[i].trim());
    const mark = MARK.exec(lines[i + 1].trim());
    const location = at && parseLocation(at[1], root);
    if (location && mark) entries.push({ name: mark[2].replace(DIRECTIVE, '').replace(DURATION, ''), location });
  }
  for (const test of tests) {
    if (!test.failure || test.failure.location) continue;
    const index = entries.findIndex((entry) => entry.name === test.names.at(-1));
    if (index >= 0) test.failure.location = entries.splice(index, 1)[0].location;
  }
}
