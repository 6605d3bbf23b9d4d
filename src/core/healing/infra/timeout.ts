/**
 * Template "test timeout too low": raise the limit where it is actually set, then let the real
 * tests say whether the test was only slow (it passes with more time) or hangs (it does not, and
 * the failure goes back to the code engines). The limit is looked for where the runner would
 * take it from, most specific first: the test file itself, a flag in the test script, the
 * runner's config file, its key in package.json; with none, the flag is added to the script.
 */
import type { Candidate, TextEdit } from '../../model';
import type { SourceFile } from '../mutation/engine';
import { jsonEdit, numberEdit, parseJsonObject } from './configEdit';
import type { TimeoutRunner } from '../../analysis/environment';
import { runnerNamed, runnerStart, type RunnerDescriptor } from '../../runners';
import { shellWords } from '../../runners/commandLine';

type Read = (rel: string) => Promise<string | undefined>;

interface Site {
  file: string;
  /** Where, in words: "the test script's --timeout flag". */
  where: string;
  editsTests: boolean;
  edit(text: string, value: number): TextEdit[];
}

/** The runner's descriptor (src/core/runners) knows its config files and where its limit is set. */
const descriptorOf = (runner: TimeoutRunner): RunnerDescriptor => runnerNamed(runner)!;
const configFilesOf = (runner: TimeoutRunner): readonly string[] => descriptorOf(runner).configFiles;
const runsIn = (runner: TimeoutRunner, script: string): boolean =>
  runnerStart(
    descriptorOf(runner),
    shellWords(script).map((w) => w.replace(/^(['"])(.*)\1$/, '$2')),
  ) >= 0;

/** Larger limits, tried in order: the smallest one that works is the honest fix. */
export function timeoutLadder(ms: number): number[] {
  const round = (v: number): number => (v < 1000 ? Math.ceil(v / 100) * 100 : Math.ceil(v / 1000) * 1000);
  return [...new Set([2, 5, 10].map((k) => Math.min(round(ms * k), 600_000)))].filter((v) => v > ms);
}

function scriptSite(runner: TimeoutRunner, replace: boolean): Site {
  return {
    file: 'package.json',
    where: replace ? 'the test script' : 'the test script (new flag)',
    editsTests: false,
    edit(text, value) {
      const script = (parseJsonObject(text)?.scripts as Record<string, string> | undefined)?.test ?? '';
      const { scriptFlag, newFlag } = descriptorOf(runner).timeout;
      const next = replace ? script.replace(scriptFlag, (_, flag: string) => `${flag}${value}`) : `${script} ${newFlag(value)}`;
      return jsonEdit('package.json', text, ['scripts', 'test'], next);
    },
  };
}

function configFileSite(file: string, runner: TimeoutRunner, text: string): Site | undefined {
  const key = descriptorOf(runner).timeout.configKey;
  if (/\.jsonc?$/.test(file)) return parseJsonObject(text) ? { file, where: file, editsTests: false, edit: (t, v) => jsonEdit(file, t, [key], v) } : undefined;
  if (/\.ya?ml$/.test(file)) {
    const line = new RegExp(`^(${key}:\\s*)(\\d+)\\b`, 'm');
    return {
      file,
      where: file,
      editsTests: false,
      edit: (t, v) =>
        line.test(t)
          ? numberEdit(file, t, line, v)
          : [{ file, start: t.length, end: t.length, newText: `${t.endsWith('\n') || t === '' ? '' : '\n'}${key}: ${v}\n` }],
    };
  }
  const existing = new RegExp(`(\\b${key}\\s*:\\s*)(\\d+)\\b`);
  if (existing.test(text)) return { file, where: file, editsTests: false, edit: (t, v) => numberEdit(file, t, existing, v) };
  // No limit yet: add one where the runner reads its options (vitest: inside `test: {`).
  const open = runner === 'vitest' ? /\btest\s*:\s*\{/ : /(?:module\.exports\s*=|export\s+default|defineConfig\()\s*\{/;
  const match = open.exec(text);
  if (!match) return undefined;
  const at = match.index + match[0].length;
  return { file, where: file, editsTests: false, edit: (_t, v) => [{ file, start: at, end: at, newText: `\n  ${key}: ${v},` }] };
}

/** Where the limit that stopped the test is set, most specific first; undefined when it cannot be edited. */
export async function findTimeoutSite(runner: TimeoutRunner, ms: number, testFiles: string[], read: Read): Promise<Site | undefined> {
  // A limit in the test itself (`{ timeout: 2000 }`, `this.timeout(2000)`, `jest.setTimeout(2000)`) overrides every config.
  const inTest = new RegExp(`(\\btimeout\\s*[:(]\\s*|\\b(?:jest|vi)\\.setTimeout\\(\\s*|\\btestTimeout\\s*:\\s*)(${ms})\\b`);
  for (const file of testFiles) {
    const text = await read(file);
    if (text && inTest.test(text)) return { file, where: `${file} (the test's own limit)`, editsTests: true, edit: (t, v) => numberEdit(file, t, inTest, v) };
  }
  const pkgText = await read('package.json');
  const pkg = pkgText ? parseJsonObject(pkgText) : undefined;
  const script = (pkg?.scripts as Record<string, unknown> | undefined)?.test;
  const scriptRuns = typeof script === 'string' && runsIn(runner, script);
  if (scriptRuns && descriptorOf(runner).timeout.scriptFlag.test(script)) return scriptSite(runner, true);
  for (const file of configFilesOf(runner)) {
    const text = await read(file);
    if (text !== undefined) {
      const site = configFileSite(file, runner, text);
      if (site) return site;
      break; // a config file we cannot edit safely: a package.json key would be ignored (or, for jest, refused)
    }
  }
  const pkgKey = descriptorOf(runner).packageJsonKey;
  const configFile = await Promise.all(configFilesOf(runner).map(read)).then((texts) => texts.some((t) => t !== undefined));
  if (pkg && pkgKey && !configFile) {
    return {
      file: 'package.json',
      where: `package.json "${pkgKey}"`,
      editsTests: false,
      edit: (t, v) => jsonEdit('package.json', t, [pkgKey, descriptorOf(runner).timeout.configKey], v),
    };
  }
  if (scriptRuns && !/[;&|<>`$()]/.test(script)) return scriptSite(runner, false);
  return undefined;
}

export interface TimeoutCandidates {
  candidates: Candidate[];
  files: SourceFile[];
  /** Why there are none, for the user. */
  reason?: string;
}

export async function timeoutCandidates(runner: TimeoutRunner, ms: number, testFiles: string[], read: Read): Promise<TimeoutCandidates> {
  const site = await findTimeoutSite(runner, ms, testFiles, read);
  if (!site)
    return {
      candidates: [],
      files: [],
      reason: `Could not find where the ${runner} time limit of ${ms} ms is set (test file, test script, config file or package.json).`,
    };
  const text = (await read(site.file)) ?? '';
  const candidates = timeoutLadder(ms).map((value, i): Candidate => ({
    id: `infra-timeout-${value}`,
    engine: 'infra',
    operator: 'test-timeout',
    summary: `raise the ${runner} time limit from ${ms} ms to ${value} ms in ${site.where}`,
    edits: site.edit(text, value),
    cost: i,
    editsTests: site.editsTests,
  }));
  return { candidates: candidates.filter((c) => c.edits.length > 0), files: [{ file: site.file, text }] };
}
