import { escapeHtml } from "./html-escape.js";

export interface BarGroup {
  label: string;
  /** One value per series, in the order of `series`; undefined when that series has no value. */
  values: Array<number | undefined>;
  /** Optional note shown after the label, e.g. "n=12". */
  note?: string;
}

// Colour-blind-safe palette (Okabe-Ito).
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

/**
 * A horizontal grouped bar chart as inline SVG (no scripts, no network), so a
 * report stays one self-contained file. Values are on a 0..max scale.
 */
export function barChart(opts: { id: string; title: string; series: string[]; groups: BarGroup[]; max?: number; unit?: string }): string {
  const { series, groups } = opts;
  const max = opts.max ?? Math.max(1, ...groups.flatMap((g) => g.values.filter((v): v is number => v !== undefined)));
  const barH = 14;
  const gap = 10;
  const labelW = 220;
  const plotW = 420;
  const groupH = series.length * barH + gap;
  const legendH = series.length > 1 ? 22 : 0;
  const height = legendH + groups.length * groupH + 10;
  const width = labelW + plotW + 70;
  const parts: string[] = [];
  if (series.length > 1) {
    series.forEach((s, i) => {
      const x = labelW + i * 140;
      parts.push(`<rect x="${x}" y="4" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`);
      parts.push(`<text x="${x + 16}" y="14" font-size="12">${escapeHtml(s)}</text>`);
    });
  }
  groups.forEach((g, gi) => {
    const y0 = legendH + gi * groupH;
    const label = g.note ? `${g.label} (${g.note})` : g.label;
    parts.push(
      `<text x="${labelW - 8}" y="${y0 + (series.length * barH) / 2 + 4}" font-size="12" text-anchor="end">${escapeHtml(label)}</text>`,
    );
    g.values.forEach((v, si) => {
      const y = y0 + si * barH;
      const w = v === undefined ? 0 : Math.max(1, (v / max) * plotW);
      const text = v === undefined ? "n/a" : `${formatNumber(v)}${opts.unit ?? ""}`;
      parts.push(
        `<rect class="bar" data-series="${escapeHtml(series[si] ?? "")}" data-group="${escapeHtml(g.label)}" data-value="${v ?? ""}" x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLOURS[si % COLOURS.length]}"><title>${escapeHtml(`${series[si]}: ${text}`)}</title></rect>`,
      );
      parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 4}" font-size="11">${escapeHtml(text)}</text>`);
    });
  });
  return `<figure class="chart" id="${escapeHtml(opts.id)}"><figcaption>${escapeHtml(opts.title)}</figcaption><svg role="img" aria-label="${escapeHtml(opts.title)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg></figure>`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
