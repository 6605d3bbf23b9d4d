/** The synthetic suite's cases: the library with one detected Stryker mutant in src/lib.js. */
import * as path from 'node:path';
import type { BenchCase } from '../runCase';
import { readTree } from '../workspace';
import { detectedMutants } from './mutants';

const LIB = path.join(__dirname, '..', 'synthetic-lib');
const TARGET = 'src/lib.js';
const TEST = 'test/lib.test.js';
/** Enough mutants for every Stryker mutator to appear several times, few enough for minutes, not hours. */
const CAP = 40;

export async function syntheticCases(cacheDir: string): Promise<BenchCase[]> {
  const files = await readTree(LIB);
  const exported = /module\.exports\s*=\s*\{([^}]*)\}/.exec(files[TARGET])?.[1] ?? '';
  const entries = exported
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const mutants = await detectedMutants(LIB, TARGET, CAP, path.join(cacheDir, 'synthetic-mutants.json'));
  return mutants.map((m) => ({
    id: `synthetic/${m.id}`,
    title: `${m.mutator} on line ${m.line}: ${m.replacement.split('\n')[0].slice(0, 60)}`,
    suite: 'synthetic',
    bugType: m.mutator,
    files: { ...files, [TARGET]: m.text },
    packages: [],
    target: TARGET,
    references: [files[TARGET]],
    driver: files[TEST],
    entries,
  }));
}
