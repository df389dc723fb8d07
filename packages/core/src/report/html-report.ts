import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ChatMessage } from "../lm/types.js";
import { barChart } from "./bar-chart.js";
import { escapeHtml } from "./html-escape.js";

/** What an evaluation or compile report shows. Every part but the title is optional. */
export interface ReportInput {
  title: string;
  /** Free-form facts shown under the title (task, model, dataset, seed...). */
  meta?: Record<string, string | number>;
  /** Overall scores (0..100), e.g. [{ label: "zero-shot", score: 41 }, { label: "compiled", score: 63 }]. */
  overall: Array<{ label: string; score: number }>;
  /** Scores (0..100) by category or question family, one value per overall label. */
  categories?: Array<{ name: string; n?: number; scores: Record<string, number> }>;
  /** Optimizer candidates in the order they were scored. */
  candidates?: Array<{ label: string; score: number }>;
  /** Examples that did not get full marks: predicted against gold. */
  failures?: Array<{ id: string; category?: string; question?: string; predicted: string; gold: string; score?: number; feedback?: string }>;
  /** The compiled program's rendered prompt, per predictor. */
  prompts?: Array<{ predictor: string; messages: ChatMessage[] }>;
  /** At most this many failure rows are written (the rest are counted). Default 200. */
  maxFailures?: number;
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1b1b;padding:0 1rem}
h1{margin-bottom:.2rem} .meta{color:#555;font-size:.9rem} .meta span{margin-right:1.2rem}
.overall{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.score{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem;min-width:9rem}
.score b{display:block;font-size:1.8rem}
figure.chart{margin:1rem 0} figcaption{font-weight:600;margin-bottom:.4rem}
table{border-collapse:collapse;width:100%;font-size:.85rem} th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f4f4f4} td pre{margin:0;white-space:pre-wrap;word-break:break-word;font-size:.8rem}
details{margin:.5rem 0} .msg{border-left:3px solid #0072B2;margin:.4rem 0;padding:.2rem .6rem;background:#fafafa}
.msg .role{font-weight:600;font-size:.8rem;text-transform:uppercase;color:#555}
.msg pre{white-space:pre-wrap;margin:.2rem 0;font-size:.8rem}
`;

/** Renders one self-contained HTML page (inline CSS and SVG; no scripts, no network). */
export function renderReport(input: ReportInput): string {
  const sections: string[] = [];
  const labels = input.overall.map((o) => o.label);
  sections.push(`<h1>${escapeHtml(input.title)}</h1>`);
  if (input.meta) {
    sections.push(`<p class="meta">${Object.entries(input.meta).map(([k, v]) => `<span><b>${escapeHtml(k)}</b>: ${escapeHtml(v)}</span>`).join("")}</p>`);
  }
  sections.push(
    `<section class="overall" id="overall">${input.overall.map((o) => `<div class="score"><span>${escapeHtml(o.label)}</span><b>${o.score.toFixed(1)}</b></div>`).join("")}</section>`,
  );
  if (input.categories?.length) {
    sections.push(
      barChart({
        id: "by-category",
        title: "Score by category (0-100)",
        series: labels,
        max: 100,
        groups: input.categories.map((c) => ({ label: c.name, note: c.n !== undefined ? `n=${c.n}` : undefined, values: labels.map((l) => c.scores[l]) })),
      }),
    );
  }
  if (input.candidates?.length) {
    sections.push(
      barChart({
        id: "candidates",
        title: "Optimizer candidates (validation score, 0-100)",
        series: ["score"],
        max: 100,
        groups: input.candidates.map((c) => ({ label: c.label, values: [c.score] })),
      }),
    );
  }
  if (input.failures) sections.push(failuresTable(input.failures, input.maxFailures ?? 200));
  if (input.prompts?.length) {
    sections.push(`<h2>Compiled prompt</h2>`);
    for (const p of input.prompts) {
      sections.push(
        `<details open class="prompt"><summary>${escapeHtml(p.predictor)}</summary>${p.messages
          .map((m) => `<div class="msg"><div class="role">${escapeHtml(m.role)}</div><pre>${escapeHtml(m.content)}</pre></div>`)
          .join("")}</details>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>${sections.join("\n")}</body></html>\n`;
}

function failuresTable(failures: NonNullable<ReportInput["failures"]>, max: number): string {
  const shown = failures.slice(0, max);
  const more = failures.length - shown.length;
  const rows = shown
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.id)}</td><td>${escapeHtml(f.category ?? "")}</td><td><pre>${escapeHtml(f.question ?? "")}</pre></td><td><pre>${escapeHtml(f.predicted)}</pre></td><td><pre>${escapeHtml(f.gold)}</pre></td><td>${f.score === undefined ? "" : f.score.toFixed(2)}</td><td><pre>${escapeHtml(f.feedback ?? "")}</pre></td></tr>`,
    )
    .join("");
  return `<h2>Failures (${failures.length})</h2><table id="failures"><thead><tr><th>id</th><th>category</th><th>question</th><th>predicted</th><th>gold</th><th>score</th><th>feedback</th></tr></thead><tbody>${rows}</tbody></table>${more > 0 ? `<p>${more} more not shown.</p>` : ""}`;
}

/** Writes the report atomically (temporary name, then rename). Returns the path. */
export function writeReport(path: string, input: ReportInput): string {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderReport(input));
  renameSync(tmp, path);
  return path;
}
