// A score breakdown as a table (e.g. by difficulty): one row per group, one
// column per run (zero-shot, compiled...). A table rather than a chart because
// these groups are few and the exact numbers are what a reader compares.
import { escapeHtml } from "./html-escape.js";

export interface ScoreBreakdown {
  /** Element id, e.g. "by-difficulty". */
  id: string;
  title: string;
  /** What a row is, as the first column's header (e.g. "difficulty"). */
  group: string;
  /** Scores 0..100 keyed by the overall labels. */
  rows: Array<{ name: string; n?: number; scores: Record<string, number> }>;
}

export function scoreTable(b: ScoreBreakdown, labels: readonly string[]): string {
  const head = `<tr><th>${escapeHtml(b.group)}</th><th>n</th>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join("")}</tr>`;
  const rows = b.rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.name)}</td><td>${r.n ?? ""}</td>${labels.map((l) => `<td>${r.scores[l] === undefined ? "" : r.scores[l]!.toFixed(1)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<h2>${escapeHtml(b.title)}</h2><table class="breakdown" id="${escapeHtml(b.id)}"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}
