// A confusion table for a question family whose answers form a closed set
// (atoms such as :handled / :lost_in_mailbox, exit classes, booleans): which
// gold answer (row) the program mistook for which (column). A mean score
// hides whether it always guesses the same atom; this table shows it.
import { escapeHtml } from "./html-escape.js";

export interface ConfusionTable {
  /** The family (or other group) the table counts. */
  name: string;
  /** Row labels: the gold answers. */
  gold: string[];
  /** Column labels: the predicted answers (gold labels first, then others). */
  predicted: string[];
  /** counts[i][j]: examples with gold answer gold[i] predicted as predicted[j]. */
  counts: number[][];
}

export function confusionTable(t: ConfusionTable, index: number): string {
  const head = `<tr><th>gold \\ predicted</th>${t.predicted.map((p) => `<th>${escapeHtml(p)}</th>`).join("")}<th>n</th></tr>`;
  const rows = t.gold
    .map((g, i) => {
      const row = t.counts[i] ?? [];
      const cells = t.predicted.map((p, j) => {
        const c = row[j] ?? 0;
        const cls = p === g ? "hit" : c > 0 ? "miss" : "zero";
        return `<td class="${cls}">${c}</td>`;
      });
      return `<tr><th>${escapeHtml(g)}</th>${cells.join("")}<td>${row.reduce((s, c) => s + c, 0)}</td></tr>`;
    })
    .join("");
  return `<table class="confusion" id="confusion-${index}" data-name="${escapeHtml(t.name)}"><caption>${escapeHtml(t.name)}</caption><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}
