/**
 * A self-contained SVG of per-class results (no scripts, fonts or links): for each class a bar of
 * plausible and a bar of correct, as a share of its tasks, with the counts written beside them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Machine, Summary } from './report';

import { escapeXml as escape, svgDocument } from './svg';

const COLOURS = { plausible: '#9ecae1', correct: '#2171b5', target: '#d94801', grid: '#d9d9d9', text: '#252525' };

export function chartSvg(title: string, rows: Summary[], host: Machine): string {
  const left = 150;
  const barWidth = 420;
  const rowHeight = 44;
  const top = 58;
  const width = left + barWidth + 170;
  const height = top + rows.length * rowHeight + 64;
  const x = (pctValue: number): number => left + (barWidth * pctValue) / 100;
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="12" y="22" font-size="14" font-weight="bold">${escape(title)}</text>`);
  parts.push(
    `<rect x="${left}" y="32" width="10" height="10" fill="${COLOURS.plausible}"/><text x="${left + 14}" y="41">plausible (verified fix)</text>`,
    `<rect x="${left + 170}" y="32" width="10" height="10" fill="${COLOURS.correct}"/><text x="${left + 184}" y="41">correct (behaves like the reference)</text>`,
  );
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(`<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${top + rows.length * rowHeight}" stroke="${COLOURS.grid}"/>`);
    parts.push(`<text x="${x(tick)}" y="${top + rows.length * rowHeight + 14}" text-anchor="middle" fill="#737373">${tick}%</text>`);
  }
  // The issue's target for the correct rate overall (60%).
  parts.push(`<line x1="${x(60)}" y1="${top - 4}" x2="${x(60)}" y2="${top + rows.length * rowHeight}" stroke="${COLOURS.target}" stroke-dasharray="4 3"/>`);
  rows.forEach((s, i) => {
    const y = top + i * rowHeight;
    const bold = s.label === 'overall' ? ' font-weight="bold"' : '';
    parts.push(`<text x="${left - 8}" y="${y + 16}" text-anchor="end"${bold}>${escape(s.label)}</text>`);
    parts.push(`<text x="${left - 8}" y="${y + 30}" text-anchor="end" fill="#737373">${s.tasks} task(s)</text>`);
    parts.push(
      `<rect x="${left}" y="${y + 4}" width="${Math.max(0, x(s.plausiblePct) - left)}" height="15" fill="${COLOURS.plausible}"><title>plausible ${s.plausible}/${s.tasks}</title></rect>`,
    );
    parts.push(
      `<rect x="${left}" y="${y + 21}" width="${Math.max(0, x(s.correctPct) - left)}" height="15" fill="${COLOURS.correct}"><title>correct ${s.correct}/${s.tasks}</title></rect>`,
    );
    parts.push(`<text x="${left + barWidth + 8}" y="${y + 16}">${s.plausible}/${s.tasks} (${s.plausiblePct}%)</text>`);
    parts.push(
      `<text x="${left + barWidth + 8}" y="${y + 33}"${bold}>${s.correct}/${s.tasks} (${s.correctPct}%)${s.overfit ? `, ${s.overfit} overfit` : ''}</text>`,
    );
  });
  const overall = rows.find((r) => r.label === 'overall');
  const seconds = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
  const footer = overall
    ? `Time to a verified fix: median ${seconds(overall.timeToFixMs.median)}, p95 ${seconds(overall.timeToFixMs.p95)}. Dashed line: 60% target.`
    : '';
  parts.push(`<text x="12" y="${height - 28}" fill="#525252">${escape(footer)}</text>`);
  parts.push(`<text x="12" y="${height - 12}" fill="#525252">${escape(`${host.cores} cores, ${host.cpu}, Node ${host.node}`)}</text>`);
  return svgDocument({ width, height, fontSize: 12, fill: COLOURS.text }, parts);
}

export async function writeChart(file: string, title: string, rows: Summary[], host: Machine): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, chartSvg(title, rows, host));
}
