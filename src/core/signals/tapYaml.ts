/**
 * The YAML subset node:test writes in TAP diagnostic blocks (lib/internal/test_runner/reporter/
 * tap.js, `jsToYaml`): `key: scalar` where the scalar is `util.inspect` output, `key: |-` followed
 * by a block of lines, and `key:` followed by a nested map (objects; arrays use keys 0, 1, …).
 * A full YAML parser would be a dependency for three shapes; this reads exactly those and, like
 * every parser here, never throws.
 */

export type TapValue = string | number | boolean | null | TapValue[] | { [key: string]: TapValue };
export type TapMap = Record<string, TapValue>;

const ENTRY = /^(\s*)([^\s:][^:]*):(?: (.*))?$/;

/** Parse the lines between `---` and `...` of one diagnostic block. */
export function parseTapYaml(lines: readonly string[]): TapMap {
  const content = lines.filter((line) => line.trim() !== '');
  const indent = content.length ? content[0].length - content[0].trimStart().length : 0;
  return readMap(content, { next: 0 }, indent);
}

function readMap(lines: readonly string[], cursor: { next: number }, indent: number): TapMap {
  const map: TapMap = {};
  while (cursor.next < lines.length) {
    const match = ENTRY.exec(lines[cursor.next]);
    if (!match || match[1].length !== indent) {
      if (match && match[1].length > indent) {
        cursor.next++;
        continue;
      }
      break;
    }
    cursor.next++;
    const [, , key, rest] = match;
    if (rest === '|-' || rest === '|') map[key] = readBlock(lines, cursor, indent);
    else if (rest === undefined || rest === '') map[key] = arrayIfIndexed(readMap(lines, cursor, indent + 2));
    else map[key] = readScalar(rest);
  }
  return map;
}

/** A `|-` block: every following line indented deeper than its key, with the key's indent + 2 removed. */
function readBlock(lines: readonly string[], cursor: { next: number }, indent: number): string {
  const body: string[] = [];
  while (cursor.next < lines.length) {
    const line = lines[cursor.next];
    if (line.length - line.trimStart().length <= indent) break;
    body.push(line.slice(indent + 2));
    cursor.next++;
  }
  return body.join('\n');
}

function arrayIfIndexed(map: TapMap): TapValue {
  const keys = Object.keys(map);
  return keys.length > 0 && keys.every((key, index) => key === String(index)) ? Object.values(map) : map;
}

/** `util.inspect` scalars: quoted strings, numbers, booleans, `~` for null; anything else as written. */
function readScalar(text: string): TapValue {
  if (text === '~' || text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text)) return Number(text);
  const quote = text[0];
  if ((quote === "'" || quote === '"' || quote === '`') && text.endsWith(quote) && text.length >= 2) {
    return unescapeJs(text.slice(1, -1));
  }
  return text;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Undo the escapes `util.inspect` puts in a quoted string. */
export function unescapeJs(text: string): string {
  return text.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, code: string) => {
    if (code.length > 1) {
      const hex = code.replace(/^[ux]\{?|\}$/g, '');
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    return ESCAPES[code] ?? code;
  });
}

/** A diagnostic value as the text a reader expects: strings verbatim, structures as JSON. */
export function tapValueText(value: TapValue): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : String(value);
}
