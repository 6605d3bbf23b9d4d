/** The benchmark's suites, each a list of cases for runCase. */
import { exampleCases } from './examples/cases';
import { humanEvalFixCase } from './humanevalfix/cases';
import { loadTasks } from './humanevalfix/task';
import type { BenchCase } from './runCase';
import { syntheticCases } from './synthetic/cases';

export const SUITES = ['humanevalfix', 'examples', 'synthetic'] as const;
export type SuiteName = (typeof SUITES)[number];

export async function loadSuite(name: SuiteName, tasksFile: string, cacheDir: string): Promise<BenchCase[]> {
  switch (name) {
    case 'humanevalfix':
      return (await loadTasks(tasksFile)).map(humanEvalFixCase);
    case 'examples':
      return exampleCases();
    case 'synthetic':
      return syntheticCases(cacheDir);
  }
}
