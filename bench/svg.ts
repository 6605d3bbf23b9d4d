/** What the benchmark's charts share: self-contained SVG documents (no scripts, fonts or links). */

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG document of `width` × `height` holding `parts`, one per line, in the system UI font. */
export function svgDocument(size: { width: number; height: number; fontSize: number; fill: string }, parts: string[]): string {
  const { width, height, fontSize, fill } = size;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${fontSize}" fill="${fill}">`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}
