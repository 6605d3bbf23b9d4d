/**
 * What the SBFL ranking changes, measured on the code-bug examples:
 * `node --import tsx test/core/analysis/measureSbfl.ts`
 *
 * For each example the baseline runs for real, then:
 * - the rank of the true fault line among the code lines of the localized files, by the score of
 *   the best location covering it — with the localized locations alone (before) and merged with
 *   the spectrum (after); ties count against us (rank = lines scoring at least as high);
 * - the position, in the offline engine's candidate order, of the first candidate that writes
 *   the known fix — the number of candidates the search would verify to reach it.
 */
import { hintsFrom, singleCandidates, type SourceFile } from '../../../src/core/healing/mutation/engine';
import { applyEdits } from '../../../src/core/edits';
import type { Location } from '../../../src/core/model';
import { ProcessTestRunner } from '../../../src/core/verify/testRunner';
import { exampleProject } from '../../helpers/repo';
import { spectrumOf } from './spectrumOf';

const CASES: Array<{ example: string; file: string; faultLine: number; fixed: RegExp }> = [
  { example: 'off-by-one', file: 'src/range.js', faultLine: 4, fixed: /i <= end/ },
  { example: 'null-check', file: 'src/user.js', faultLine: 3, fixed: /user\.address\?\.city/ },
  { example: 'type-handling', file: 'src/cart.js', faultLine: 3, fixed: /Number\(item\.price\)/ },
  { example: 'missing-await', file: 'src/profile.js', faultLine: 3, fixed: /await store\.get\(id\)/ },
];

function lineScores(locations: Location[], file: string, text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (offset: number): number => starts.findLastIndex((s) => s <= offset);
  return starts.map((_, line) =>
    Math.max(
      0,
      ...locations
        .filter((l) => l.file === file && (l.line === line || (lineAt(l.start) <= line && line <= lineAt(Math.max(l.start, l.end - 1)))))
        .map((l) => l.score),
    ),
  );
}

function rank(locations: Location[], files: SourceFile[], file: string, faultLine: number): string {
  const all: Array<{ key: string; score: number }> = [];
  for (const source of files) {
    const code = source.text.split('\n').map((l) => !/^\s*(?:$|\/\/|\/?\*|[{}()[\];,\s]+$)/.test(l));
    lineScores(locations, source.file, source.text).forEach((score, line) => code[line] && all.push({ key: `${source.file}:${line}`, score }));
  }
  const own = all.find((l) => l.key === `${file}:${faultLine - 1}`)?.score ?? 0;
  const above = all.filter((l) => l.score > own).length;
  const tied = all.filter((l) => l.score === own).length;
  return tied > 1 ? `${above + 1}-${above + tied} of ${all.length}` : `${above + 1} of ${all.length}`;
}

async function main(): Promise<void> {
  const runner = new ProcessTestRunner();
  for (const c of CASES) {
    const dir = exampleProject(c.example);
    const { baseline, base, readText, result: spectrum } = await spectrumOf(dir, { runner, timeoutMs: 30_000 }, 60_000);
    const files: SourceFile[] = [];
    for (const file of new Set(spectrum.locations.map((l) => l.file))) files.push({ file, text: (await readText(file))! });
    const position = async (locations: Location[]): Promise<string> => {
      const candidates = await singleCandidates(locations, files, hintsFrom(baseline.failures));
      const at = candidates.findIndex((k) => c.fixed.test(applyEdits(files.find((f) => f.file === k.edits[0].file)!.text, k.edits)));
      return `${at + 1} of ${candidates.length}`;
    };
    process.stdout.write(
      `${c.example.padEnd(14)} fault line rank ${rank(base, files, c.file, c.faultLine).padEnd(10)} → ${rank(spectrum.locations, files, c.file, c.faultLine).padEnd(10)}` +
        `  fix at candidate ${(await position(base)).padEnd(9)} → ${(await position(spectrum.locations)).padEnd(9)}  (spectrum: ${spectrum.runs} runs, ${spectrum.ms} ms${spectrum.note ? `, ${spectrum.note}` : ''})\n`,
    );
  }
}

void main();
