/**
 * The scale chart: one self-contained SVG (no scripts, fonts or links) with a panel per figure —
 * sandbox, diagnosis, memory — each a line per series over the repository size (log scale), with
 * the issue's goal as a dashed line where it has one.
 */
import { escapeXml as escape, svgDocument } from '../svg';

export interface Series {
  label: string;
  colour: string;
  /** [files, value] */
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
  goal?: { value: number; label: string };
}

const niceMax = (v: number): number => {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
};

const format = (v: number): string => (v === 0 ? '0' : v >= 100 ? Math.round(v).toString() : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function panel(p: Panel, x0: number, y0: number, width: number, height: number, sizes: number[]): string[] {
  const left = x0 + 48;
  const right = x0 + width - 12;
  const top = y0 + 36;
  const bottom = y0 + height - 34;
  const max = niceMax(Math.max(...p.series.flatMap((s) => s.points.map(([, v]) => v)), p.goal?.value ?? 0));
  const [lo, hi] = [Math.log10(Math.min(...sizes)), Math.log10(Math.max(...sizes))];
  const x = (files: number): number => (hi === lo ? (left + right) / 2 : left + ((Math.log10(files) - lo) / (hi - lo)) * (right - left));
  const y = (v: number): number => bottom - (v / max) * (bottom - top);
  const out = [`<text x="${x0 + 8}" y="${y0 + 16}" font-weight="bold">${escape(p.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push(
      `<line x1="${left}" y1="${y(v)}" x2="${right}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end" fill="#737373">${format(v)}</text>`,
    );
  }
  out.push(`<text x="${left - 4}" y="${top - 10}" text-anchor="end" fill="#737373">${escape(p.unit)}</text>`);
  for (const files of sizes)
    out.push(`<text x="${x(files)}" y="${bottom + 14}" text-anchor="middle" fill="#737373">${files >= 1000 ? `${files / 1000}k` : files}</text>`);
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 28}" text-anchor="middle" fill="#737373">files (log scale)</text>`);
  if (p.goal) {
    out.push(
      `<line x1="${left}" y1="${y(p.goal.value)}" x2="${right}" y2="${y(p.goal.value)}" stroke="#d94801" stroke-dasharray="4 3"/>`,
      `<text x="${right}" y="${y(p.goal.value) - 4}" text-anchor="end" fill="#d94801">${escape(p.goal.label)}</text>`,
    );
  }
  p.series.forEach((s, i) => {
    const path = s.points.map(([f, v], j) => `${j === 0 ? 'M' : 'L'}${x(f).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    for (const [f, v] of s.points)
      out.push(
        `<circle cx="${x(f).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.colour}"><title>${escape(`${s.label}: ${format(v)} ${p.unit} at ${f} files`)}</title></circle>`,
      );
    out.push(
      `<rect x="${left + 4}" y="${top + 4 + i * 15}" width="10" height="3" fill="${s.colour}"/>`,
      `<text x="${left + 18}" y="${top + 9 + i * 15}">${escape(s.label)}</text>`,
    );
  });
  return out;
}

export function scaleChartSvg(title: string, panels: Panel[], sizes: number[], footer: string): string {
  const width = 330;
  const height = 280;
  const total = width * panels.length;
  const parts = [
    `<rect width="${total}" height="${height + 52}" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  panels.forEach((p, i) => parts.push(...panel(p, i * width, 30, width, height, sizes)));
  parts.push(`<text x="8" y="${height + 44}" fill="#525252">${escape(footer)}</text>`);
  return svgDocument({ width: total, height: height + 52, fontSize: 11, fill: '#252525' }, parts);
}
