/**
 * The scale benchmark (issue 9): how Self-Heal's costs grow with the repository. For each size it
 * generates a synthetic repository (generate.ts), measures in child processes (measure.ts) the
 * sandbox, the diagnosis and context build for one failure, and one whole heal with its memory
 * peak, then writes a table (Markdown), the figures (JSON) and a chart (SVG). Reported, not
 * asserted. The extension-side figures (provideCodeActions, activation) are measured in real
 * VS Code by `npm run test:vscode`; they are read from test-results/ rather than measured again.
 *
 *   npm run bench -- --suite scale [--sizes 1000,10000] [--out DIR] [--no-heal] [--keep]
 *   node --import tsx bench/scale/run.ts [same flags]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { scaleChartSvg, type Panel } from './chart';
import { generateRepo } from './generate';
import type { HealResult, PartsResult } from './measure';

export interface ScaleOptions {
  /** Repository sizes in source files (default 1000, 2000, 5000, 10000: 100 lines each, 1M lines at 10k). */
  sizes?: number[];
  /** Folder for scale.json, scale.md and scale.svg (default bench/out/scale). */
  out?: string;
  /** Where the repositories are generated (default the OS temp dir). */
  workDir?: string;
  /** Also run one whole heal per size, for its time and memory peak (default true). */
  heal?: boolean;
  /** Keep the generated repositories. */
  keep?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface ScaleRow {
  files: number;
  /** 1-minute load average when this size was measured: the machine may be shared. */
  load: number;
  lines: number;
  megabytes: number;
  generateMs: number;
  sandbox: {
    coldCreateMs: number;
    createMs: number;
    createBestMs: number;
    dirtyCreateMs: number;
    dirtyFiles: number;
    disposeMs: number;
    candidateWriteResetMs: number;
  };
  git: PartsResult['git'];
  diagnosis: {
    coldMs: number;
    warmMs: number;
    warmBestMs: number;
    localizeMs: number;
    contextMs: number;
    filesParsed: number;
    locations: number;
    contextChars: number;
  };
  candidates: PartsResult['candidates'];
  treeSitterInitMs: number;
  heal?: HealResult;
}

export interface ScaleReport {
  machine: { cores: number; cpu: string; memoryGb: number; node: string; platform: string; loadAverage: number[] };
  rows: ScaleRow[];
  /** Figures from the real-VS-Code layer (test-results/*metrics*), when it has run. */
  vscode?: Record<string, number>;
  /** The table (Markdown) with the machine and the VS Code figures: what `npm run bench -- --suite scale` prints. */
  markdown: string;
  /** Where the table, the figures and the chart were written. */
  files: { json: string; markdown: string; svg: string };
}

const BENCH = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(BENCH, '..');
const MEASURE = path.join(__dirname, 'measure.ts');

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function measure<T>(args: string[]): Promise<T> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'self-heal-scale-')), 'result.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MEASURE, args[0], args[1], out, ...args.slice(2)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measure ${args[0]} failed (exit ${code}):\n${stderr}`));
      const result = JSON.parse(fs.readFileSync(out, 'utf8')) as T;
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      resolve(result);
    });
  });
}

/** `metric name=value` lines from the VS Code layer's results. */
export function readVscodeMetrics(dir = path.join(REPO_ROOT, 'test-results')): Record<string, number> | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const metrics: Record<string, number> = {};
  for (const name of fs.readdirSync(dir).filter((n) => n.includes('metrics'))) {
    for (const m of fs.readFileSync(path.join(dir, name), 'utf8').matchAll(/^metric (\w+)=([\d.]+)$/gm)) metrics[m[1]] = Number(m[2]);
  }
  return Object.keys(metrics).length ? metrics : undefined;
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const growth = (rows: ScaleRow[], pick: (r: ScaleRow) => number | undefined): string => {
  const [a, b] = [pick(rows[0]), pick(rows[rows.length - 1])];
  return a && b && rows.length > 1 ? `×${(b / a).toFixed(1)}` : '–';
};

export function formatTable(report: Omit<ScaleReport, 'files' | 'markdown'>): string {
  const { rows, machine, vscode } = report;
  const header = [
    'figure',
    ...rows.map((r) => `${r.files / 1000}k files (${(r.lines / 1e6).toFixed(2)}M lines)`),
    `growth ${rows[0]?.files / 1000}k→${rows[rows.length - 1]?.files / 1000}k`,
    'goal',
  ];
  const line = (label: string, pick: (r: ScaleRow) => number | undefined, goal = '', show: (v: number | undefined) => string = ms): string[] => [
    label,
    ...rows.map((r) => show(pick(r))),
    growth(rows, pick),
    goal,
  ];
  const mb = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v)} MB`);
  const count = (v: number | undefined): string => (v === undefined ? '–' : String(v));
  const body = [
    line('sandbox: first create of a session (repository read from disk)', (r) => r.sandbox.coldCreateMs),
    line('sandbox: create (shared clone + overlay + node_modules link, in memory when there is room), median of 5', (r) => r.sandbox.createMs, '≤ 500 ms'),
    line('  best of 5', (r) => r.sandbox.createBestMs, '≤ 500 ms'),
    line('sandbox: create with 1% of files modified and 1% untracked', (r) => r.sandbox.dirtyCreateMs),
    line('sandbox: dispose', (r) => r.sandbox.disposeMs),
    line('sandbox: warm reuse, one candidate written and reset (median of 30)', (r) => r.sandbox.candidateWriteResetMs),
    line('git alone: worktree add of HEAD on disk', (r) => r.git.worktreeAddMs),
    line('git alone: worktree add into memory (tmpfs /dev/shm)', (r) => r.git.worktreeAddTmpfsMs, '≤ 500 ms'),
    line('git alone: clone --shared + checkout on disk (separate refs)', (r) => r.git.cloneSharedMs),
    line('git alone: warm re-sync of an existing worktree to HEAD', (r) => r.git.warmResyncMs),
    line('diagnosis + context for one failure, first (cold)', (r) => r.diagnosis.coldMs, '≤ 3 s'),
    line('diagnosis + context for one failure, warm (median of 4)', (r) => r.diagnosis.warmMs, '≤ 3 s'),
    line('  best of 4', (r) => r.diagnosis.warmBestMs, '≤ 3 s'),
    line('  of which localize (stack + test imports)', (r) => r.diagnosis.localizeMs),
    line('  of which LLM context build', (r) => r.diagnosis.contextMs),
    line('  files parsed', (r) => r.diagnosis.filesParsed, 'never the whole repo', count),
    line('offline candidates: rank every edit, parse-check up to the budget (what a heal pays)', (r) => r.candidates.ms),
    line('  of which ranking', (r) => r.candidates.rankMs),
    line('  before issue 9: parse-check every edit', (r) => r.candidates.allCheckedMs),
    line('  candidate edits ranked', (r) => r.candidates.count, `budget ${rows[0]?.candidates.budget ?? ''}`, count),
    line('whole heal: time to a verified fix', (r) => r.heal?.ms),
    line('  of which the baseline test run', (r) => r.heal?.baselineMs),
    line('whole heal: memory peak of the healing process (RSS)', (r) => r.heal?.peakRssMb, '', mb),
    line('whole heal: JS heap peak', (r) => r.heal?.peakHeapMb, '', mb),
    line(
      'machine load (1-minute average) when measured',
      (r) => r.load,
      '',
      (v) => (v === undefined ? '–' : v.toFixed(1)),
    ),
  ];
  const table = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const host = `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; load average at the start ${machine.loadAverage.map((l) => l.toFixed(1)).join(' / ')}.`;
  const code = vscode
    ? `From real VS Code (test-results/*metrics*): provideCodeActions median ${vscode.provide_code_actions_ms_median ?? '–'} ms, max ${vscode.provide_code_actions_ms_max ?? '–'} ms (goal p95 ≤ 5 ms; the max bounds the p95); activation ${vscode.activation_ms ?? '–'} ms (with bundle load ${vscode.activation_total_ms ?? '–'} ms; goal ≤ 100 ms); extension host memory during "Heal Failing Tests" on the fixture: RSS ${vscode.extension_host_rss_before_heal_mb ?? '–'} MB before, peak ${vscode.extension_host_peak_rss_during_heal_mb ?? '–'} MB, JS heap peak ${vscode.extension_host_peak_heap_during_heal_mb ?? '–'} MB.`
    : 'VS Code figures: not available (run `npm run test:vscode`).';
  return `${table}\n\n${host}\n${code}\n`;
}

function chart(report: Omit<ScaleReport, 'files' | 'markdown'>): string {
  const { rows, machine } = report;
  const sizes = rows.map((r) => r.files);
  const series = (label: string, colour: string, pick: (r: ScaleRow) => number | undefined) => ({
    label,
    colour,
    points: rows.flatMap((r) => (pick(r) === undefined ? [] : [[r.files, pick(r)!] as [number, number]])),
  });
  const panels: Panel[] = [
    {
      title: 'Sandbox',
      unit: 'ms',
      goal: { value: 500, label: 'goal 0.5 s' },
      series: [
        series('create (clone + overlay), median', '#2171b5', (r) => r.sandbox.createMs),
        series('create, best of 5', '#6baed6', (r) => r.sandbox.createBestMs),
        series('worktree add into tmpfs (git only)', '#fd8d3c', (r) => r.git.worktreeAddTmpfsMs),
        series('warm re-sync (git only)', '#41ab5d', (r) => r.git.warmResyncMs),
        series('per candidate: write + reset', '#9e9ac8', (r) => r.sandbox.candidateWriteResetMs),
      ],
    },
    {
      title: 'Diagnosis for one failure',
      unit: 'ms',
      goal: { value: 3000, label: 'goal 3 s' },
      series: [
        series('localize + context (warm)', '#2171b5', (r) => r.diagnosis.warmMs),
        series('localize + context (cold)', '#6baed6', (r) => r.diagnosis.coldMs),
      ],
    },
    {
      title: 'Offline search for one failure',
      unit: 's',
      series: [
        series('whole heal', '#2171b5', (r) => (r.heal ? r.heal.ms / 1000 : undefined)),
        series('candidate generation', '#d94801', (r) => r.candidates.ms / 1000),
        series('baseline test run', '#41ab5d', (r) => (r.heal ? r.heal.baselineMs / 1000 : undefined)),
      ],
    },
    {
      title: 'Memory peak during a heal',
      unit: 'MB',
      series: [series('RSS', '#2171b5', (r) => r.heal?.peakRssMb), series('JS heap', '#6baed6', (r) => r.heal?.peakHeapMb)],
    },
  ];
  return scaleChartSvg(
    'Self-Heal at scale: synthetic repositories, 100 lines per file',
    panels,
    sizes,
    `${machine.cores} cores, ${machine.memoryGb} GB, ${machine.cpu}, Node ${machine.node}`,
  );
}

export async function runScaleSuite(options: ScaleOptions = {}): Promise<ScaleReport> {
  const sizes = options.sizes ?? [1000, 2000, 5000, 10000];
  const out = path.resolve(options.out ?? path.join(BENCH, 'out', 'scale'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cpus = os.cpus();
  const machine = {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg(),
  };
  const rows: ScaleRow[] = [];
  for (const files of sizes) {
    const dir = fs.mkdtempSync(path.join(options.workDir ?? os.tmpdir(), `self-heal-scale-${files}-`));
    try {
      log(`scale: generating ${files} files…`);
      const load = os.loadavg()[0];
      const repo = generateRepo(path.join(dir, 'repo'), files);
      log(`scale: ${files} files, ${repo.lines} lines in ${ms(repo.ms)}; measuring the sandbox and the diagnosis…`);
      const parts = await measure<PartsResult>(['parts', repo.dir, repo.bugFile, repo.testFile]);
      let heal: HealResult | undefined;
      if (options.heal !== false) {
        log(`scale: ${files} files: one whole heal…`);
        heal = await measure<HealResult>(['heal', repo.dir]);
      }
      const warm = parts.diagnosis.ms.slice(1);
      rows.push({
        files,
        load,
        lines: repo.lines,
        megabytes: repo.bytes / 2 ** 20,
        generateMs: repo.ms,
        sandbox: {
          coldCreateMs: parts.sandbox.coldCreateMs,
          createMs: median(parts.sandbox.createMs),
          createBestMs: Math.min(...parts.sandbox.createMs),
          dirtyCreateMs: parts.sandbox.dirtyCreateMs,
          dirtyFiles: parts.sandbox.dirtyFiles,
          disposeMs: median(parts.sandbox.disposeMs),
          candidateWriteResetMs: median(parts.sandbox.candidateWriteResetMs),
        },
        git: parts.git,
        diagnosis: {
          coldMs: parts.diagnosis.ms[0],
          warmMs: median(warm),
          warmBestMs: Math.min(...warm),
          localizeMs: median(parts.diagnosis.localizeMs.slice(1)),
          contextMs: median(parts.diagnosis.contextMs.slice(1)),
          filesParsed: parts.diagnosis.filesParsed,
          locations: parts.diagnosis.locations,
          contextChars: parts.diagnosis.contextChars,
        },
        candidates: parts.candidates,
        treeSitterInitMs: parts.treeSitterInitMs,
        heal,
      });
      log(
        `scale: ${files} files: sandbox ${ms(rows[rows.length - 1].sandbox.createMs)}, diagnosis ${ms(rows[rows.length - 1].diagnosis.warmMs)}${heal ? `, heal ${ms(heal.ms)}, peak ${Math.round(heal.peakRssMb)} MB` : ''}`,
      );
    } finally {
      if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const report = { machine, rows, vscode: readVscodeMetrics() };
  fs.mkdirSync(out, { recursive: true });
  const files = { json: path.join(out, 'scale.json'), markdown: path.join(out, 'scale.md'), svg: path.join(out, 'scale.svg') };
  fs.writeFileSync(files.json, JSON.stringify(report, null, 2) + '\n');
  const markdown = formatTable(report);
  fs.writeFileSync(files.markdown, `# Scale benchmark\n\n${markdown}`);
  fs.writeFileSync(files.svg, chart(report));
  return { ...report, markdown, files };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      out: { type: 'string' },
      'work-dir': { type: 'string' },
      'no-heal': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      suite: { type: 'string' },
    },
  });
  const sizes = values.sizes?.split(',').map((s) => Number(s.trim()));
  if (sizes?.some((n) => !Number.isInteger(n) || n < 100)) throw new Error(`--sizes needs whole numbers of files, at least 100 each, got "${values.sizes}".`);
  const report = await runScaleSuite({ sizes, out: values.out, workDir: values['work-dir'], heal: !values['no-heal'], keep: values.keep });
  process.stdout.write(`${report.markdown}\nWrote ${report.files.markdown}, ${report.files.json} and ${report.files.svg}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  });
}
