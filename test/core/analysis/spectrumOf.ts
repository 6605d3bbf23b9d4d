/**
 * A project's real baseline run (`npm test`), then the spectrum of its failures over what
 * localize() found for them (stack, imports): the steps sbfl.test.ts and measureSbfl.ts share.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isTestFile, localize } from '../../../src/core/analysis/localize';
import { spectrumLocations, type SpectrumRequest, type SpectrumResult } from '../../../src/core/analysis/sbfl';
import type { Location, TestRun } from '../../../src/core/model';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';

export interface Spectrum {
  baseline: TestRun;
  /** What localize() found, before the spectrum. */
  base: Location[];
  readText: (rel: string) => Promise<string | undefined>;
  result: SpectrumResult;
}

/** `options` override the request (a runner, base, budget…); the baseline gets `baselineTimeoutMs`, by default the spectrum's own limit. */
export async function spectrumOf(dir: string, options: Partial<SpectrumRequest> = {}, baselineTimeoutMs = options.timeoutMs ?? 30_000): Promise<Spectrum> {
  const runner = options.runner ?? new ProcessTestRunner();
  const baseline = await runner.run({ cwd: dir, command: 'npm test', timeoutMs: baselineTimeoutMs });
  const readText = (rel: string): Promise<string | undefined> => fs.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
  const base = (await localize(dir, baseline.failures, readText)).filter((l) => !isTestFile(l.file));
  const result = await spectrumLocations({
    cwd: dir,
    command: 'npm test',
    runner,
    baseline,
    failures: baseline.failures,
    base,
    readText,
    timeoutMs: 30_000,
    ...options,
  });
  return { baseline, base, readText, result };
}
