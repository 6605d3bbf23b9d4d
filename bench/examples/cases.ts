/**
 * The demo examples (examples/README.md) as benchmark cases, each healed in a copy. The four code
 * bugs are graded against hand-written references (edits of the shipped file, so the rest of the
 * file stays byte-identical); the three test problems are graded on where the fix goes: only test
 * files may change.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { BenchCase } from '../runCase';
import { readTree } from '../workspace';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

interface Expectation {
  bugType: string;
  target: string;
  /** Edits of the target that give an acceptable fixed text (any one is correct). */
  fixes?: Array<[from: string, to: string]>;
  fixIn?: 'test';
  packages?: string[];
}

const EXPECTED: Record<string, Expectation> = {
  'off-by-one': { bugType: 'code: off-by-one', target: 'src/range.js', fixes: [['i < end', 'i <= end']] },
  'null-check': { bugType: 'code: missing null check', target: 'src/user.js', fixes: [['user.address.city', 'user.address?.city']] },
  'type-handling': {
    bugType: 'code: wrong type handling',
    target: 'src/cart.js',
    // The spec says "strings like 1.50": Number, parseFloat and unary + all meet it (they differ on "").
    fixes: [
      ['sum + item.price', 'sum + Number(item.price)'],
      ['sum + item.price', 'sum + parseFloat(item.price)'],
      ['sum + item.price', 'sum + +item.price'],
    ],
  },
  // Async results cannot be compared by the behaviour grader, so this one is graded on its text.
  'missing-await': {
    bugType: 'code: async misconfiguration',
    target: 'src/profile.js',
    fixes: [
      ['const user = store.get(id)', 'const user = await store.get(id)'],
      ['name: user.name', 'name: (await user).name'],
    ],
  },
  'outdated-snapshot': { bugType: 'test: outdated snapshot', target: 'test/__snapshots__/format.test.js.snap', fixIn: 'test', packages: ['jest'] },
  'brittle-assertion': { bugType: 'test: brittle assertion', target: 'test/stats.test.js', fixIn: 'test' },
  'unhandled-async-test': { bugType: 'test: unhandled async test', target: 'test/store.test.js', fixIn: 'test' },
};

export async function exampleCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  for (const entry of await fs.readdir(EXAMPLES, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const expected = EXPECTED[entry.name];
    if (!expected) throw new Error(`examples/${entry.name} has no expectation in bench/examples/cases.ts: add its class and reference fix.`);
    const files = await readTree(path.join(EXAMPLES, entry.name));
    const source = files[expected.target];
    if (source === undefined) throw new Error(`examples/${entry.name}/${expected.target} is missing: update bench/examples/cases.ts.`);
    const testFile = Object.keys(files).find((f) => /\.test\.js$/.test(f)) ?? '';
    const references = (expected.fixes ?? []).map(([from, to]) => {
      if (!source.includes(from))
        throw new Error(`examples/${entry.name}/${expected.target} no longer contains \`${from}\`: update its reference in bench/examples/cases.ts.`);
      return source.replace(from, to);
    });
    const exported = /module\.exports\s*=\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
    cases.push({
      id: `examples/${entry.name}`,
      suite: 'examples',
      bugType: expected.bugType,
      files,
      packages: expected.packages ?? [],
      target: expected.target,
      references,
      fixIn: expected.fixIn,
      driver: files[testFile] ?? '',
      entries: exported
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });
  }
  return cases;
}
