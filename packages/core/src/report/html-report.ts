import { writeFileAtomicSync } from "../io/atomic-write.js";
import type { ChatMessage } from "../lm/types.js";
import { barChart } from "./bar-chart.js";
import { confusionTable, type ConfusionTable } from "./confusion-table.js";
import type { ReportDiff } from "./diff.js";
import { diffView } from "./diff-view.js";
import { escapeHtml } from "./html-escape.js";
import { scoreTable, type ScoreBreakdown } from "./score-table.js";

/** The model run behind one example, for debugging a wrong answer (see the eval records). */
export interface ReportRun {
  reasoning?: string;
  raw?: string;
  tokens?: { prompt: number; completion: number };
  costUSD?: number;
  latencyMs?: number;
}

/** What an evaluation or compile report shows. Every part but the title and overall is optional. */
export interface ReportInput {
  title: string;
  /**
   * The split the scores were measured on (train, dev, test...), shown in the
   * header: a score means little until one knows what it was measured on.
   */
  split?: string;
  /** Free-form facts shown under the title (task, model, dataset, seed...). */
  meta?: Record<string, string | number>;
  /**
   * Overall scores (0..100), e.g. [{ label: "zero-shot", score: 41 }, { label: "compiled", score: 63 }].
   * `split` is for a score measured on another split than the report's.
   */
  overall: Array<{ label: string; score: number; split?: string }>;
  /** The overall label the others are measured against (e.g. "zero-shot"): each other score shows its difference. */
  baseline?: string;
  /** Scores (0..100) by category or question family, one value per overall label. */
  categories?: Array<{ name: string; n?: number; scores: Record<string, number> }>;
  /** Further score tables, e.g. by difficulty; one column per overall label. */
  breakdowns?: ScoreBreakdown[];
  /** For families with a closed set of answers: gold (rows) against predicted (columns). */
  confusions?: ConfusionTable[];
  /** Optimizer candidates in the order they were scored, each with the split it was scored on. */
  candidates?: Array<{ label: string; score: number; split?: string }>;
  /** Examples that did not get full marks: predicted against gold. */
  failures?: Array<{
    id: string;
    category?: string;
    question?: string;
    predicted: string;
    gold: string;
    /** Gold against predicted, by list element or line of code. */
    diff?: ReportDiff;
    score?: number;
    feedback?: string;
    run?: ReportRun;
  }>;
  /** The program's rendered prompt, per predictor (shown collapsed). */
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
.split{font-size:1rem;margin:.3rem 0} .score small{display:block;color:#555} .delta{font-size:.85rem;color:#555}
table.breakdown,table.confusion{width:auto;margin:.5rem 0 1rem} table.confusion caption{text-align:left;font-weight:600;padding:.2rem 0}
td.hit{background:#e3f2e9} td.miss{background:#fbe3d6;font-weight:600} td.zero{color:#bbb}
details.diff pre{margin:.2rem 0} .d-gold{background:#fbe3d6} .d-pred{background:#dcebf7} .d-fold{color:#777;font-style:italic}
`;

/** Renders one self-contained HTML page (inline CSS and SVG; no scripts, no network). */
export function renderReport(input: ReportInput): string {
  const sections: string[] = [];
  const labels = input.overall.map((o) => o.label);
  sections.push(`<h1>${escapeHtml(input.title)}</h1>`);
  if (input.split !== undefined) sections.push(`<p class="split" id="split">split: <b>${escapeHtml(input.split)}</b></p>`);
  if (input.meta) {
    sections.push(
      `<p class="meta">${Object.entries(input.meta)
        .map(([k, v]) => `<span><b>${escapeHtml(k)}</b>: ${escapeHtml(v)}</span>`)
        .join("")}</p>`,
    );
  }
  sections.push(`<section class="overall" id="overall">${input.overall.map((o) => scoreBox(o, input)).join("")}</section>`);
  if (input.categories?.length) {
    sections.push(
      barChart({
        id: "by-category",
        title: "Score by category (0-100)",
        series: labels,
        max: 100,
        groups: input.categories.map((c) => ({
          label: c.name,
          note: c.n !== undefined ? `n=${c.n}` : undefined,
          values: labels.map((l) => c.scores[l]),
        })),
      }),
    );
  }
  for (const b of input.breakdowns ?? []) sections.push(scoreTable(b, labels));
  if (input.confusions?.length) {
    sections.push(
      `<h2>Confusion of closed answers</h2><p class="meta">Rows: gold answer; columns: predicted answer; the diagonal is correct.</p>`,
    );
    input.confusions.forEach((t, i) => sections.push(confusionTable(t, i)));
  }
  if (input.candidates?.length) sections.push(candidatesChart(input.candidates));
  if (input.failures) sections.push(failuresTable(input.failures, input.maxFailures ?? 200));
  if (input.prompts?.length) {
    sections.push(`<h2>Compiled prompt</h2>`);
    for (const p of input.prompts) {
      // Collapsed: a prompt with demos is long, and most readers come for the scores.
      sections.push(
        `<details class="prompt"><summary>${escapeHtml(p.predictor)}</summary>${p.messages
          .map((m) => `<div class="msg"><div class="role">${escapeHtml(m.role)}</div><pre>${escapeHtml(m.content)}</pre></div>`)
          .join("")}</details>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head><body>${sections.join("\n")}</body></html>\n`;
}

function scoreBox(o: ReportInput["overall"][number], input: ReportInput): string {
  const base =
    input.baseline !== undefined && o.label !== input.baseline ? input.overall.find((b) => b.label === input.baseline) : undefined;
  const delta = base ? o.score - base.score : undefined;
  const deltaText =
    delta === undefined
      ? ""
      : `<span class="delta">${delta >= 0 ? "+" : "−"}${Math.abs(delta).toFixed(1)} vs ${escapeHtml(base!.label)}</span>`;
  const split = o.split !== undefined ? `<small>on ${escapeHtml(o.split)}</small>` : "";
  return `<div class="score" data-label="${escapeHtml(o.label)}"><span>${escapeHtml(o.label)}</span>${split}<b>${o.score.toFixed(1)}</b>${deltaText}</div>`;
}

/** Candidates are labelled with their split: a dev score and a test score side by side must not read as one scale. */
function candidatesChart(candidates: NonNullable<ReportInput["candidates"]>): string {
  const splits = [...new Set(candidates.map((c) => c.split ?? ""))];
  const one = splits.length === 1 ? splits[0] : undefined;
  const title =
    one === ""
      ? "Optimizer candidates (score 0-100; split not recorded)"
      : one !== undefined
        ? `Optimizer candidates (${one} score, 0-100)`
        : "Optimizer candidates (score 0-100, by the split it was measured on)";
  return barChart({
    id: "candidates",
    title,
    series: ["score"],
    max: 100,
    groups: candidates.map((c) => ({ label: one === undefined && c.split ? `${c.label} [${c.split}]` : c.label, values: [c.score] })),
  });
}

function failuresTable(failures: NonNullable<ReportInput["failures"]>, max: number): string {
  const shown = failures.slice(0, max);
  const more = failures.length - shown.length;
  const rows = shown
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.id)}</td><td>${escapeHtml(f.category ?? "")}</td><td><pre>${escapeHtml(f.question ?? "")}</pre></td><td><pre>${escapeHtml(f.predicted)}</pre></td><td><pre>${escapeHtml(f.gold)}</pre></td><td>${f.diff ? diffView(f.diff) : ""}</td><td>${f.score === undefined ? "" : f.score.toFixed(2)}</td><td><pre>${escapeHtml(f.feedback ?? "")}</pre></td><td>${f.run ? runView(f.run) : ""}</td></tr>`,
    )
    .join("");
  return `<h2>Failures (${failures.length})</h2><table id="failures"><thead><tr><th>id</th><th>category</th><th>question</th><th>predicted</th><th>gold</th><th>diff</th><th>score</th><th>feedback</th><th>model run</th></tr></thead><tbody>${rows}</tbody></table>${more > 0 ? `<p>${more} more not shown.</p>` : ""}`;
}

/** The model's reasoning and raw answer, collapsed, with what the run cost. */
function runView(run: ReportRun): string {
  const facts = [
    run.tokens ? `${run.tokens.prompt} + ${run.tokens.completion} tokens` : undefined,
    run.costUSD !== undefined ? `$${run.costUSD.toFixed(6)}` : undefined,
    run.latencyMs !== undefined ? `${Math.round(run.latencyMs)} ms` : undefined,
  ].filter((x): x is string => x !== undefined);
  const parts = [
    run.reasoning !== undefined
      ? `<details class="reasoning"><summary>reasoning</summary><pre>${escapeHtml(run.reasoning)}</pre></details>`
      : "",
    run.raw !== undefined ? `<details class="raw"><summary>raw output</summary><pre>${escapeHtml(run.raw)}</pre></details>` : "",
  ];
  return `<span class="run-facts">${escapeHtml(facts.join(", "))}</span>${parts.join("")}`;
}

/** Writes the report atomically. Returns the path. */
export function writeReport(path: string, input: ReportInput): string {
  writeFileAtomicSync(path, renderReport(input));
  return path;
}
