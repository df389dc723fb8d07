// A diff as HTML: one line per element, marked "-" when only the gold answer
// has it and "+" when only the prediction does. Code diffs fold long unchanged
// runs and start collapsed, since a whole module rarely fits a table cell.
import type { ReportDiff } from "./diff.js";
import { escapeHtml } from "./html-escape.js";

/** Unchanged lines kept around each change in a line diff. */
const CONTEXT = 3;

const MARK = { both: " ", gold: "-", predicted: "+" } as const;
const CLASS = { both: "d-both", gold: "d-gold", predicted: "d-pred" } as const;

export function diffView(diff: ReportDiff): string {
  const gold = diff.ops.filter((o) => o.op === "gold").length;
  const predicted = diff.ops.filter((o) => o.op === "predicted").length;
  const unit = diff.kind === "lines" ? "line" : "element";
  const count = (n: number) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const summary =
    gold + predicted === 0 ? `no difference in ${unit}s` : `${count(gold)} only in gold (-), ${count(predicted)} only predicted (+)`;
  const lines: string[] = [];
  const keep = diff.kind === "lines" ? nearChanges(diff) : diff.ops.map(() => true);
  for (let i = 0; i < diff.ops.length;) {
    if (!keep[i]) {
      let j = i;
      while (j < diff.ops.length && !keep[j]) j++;
      lines.push(`<span class="d-fold">… ${j - i} unchanged ${j - i === 1 ? "line" : "lines"}</span>`);
      i = j;
      continue;
    }
    const o = diff.ops[i]!;
    lines.push(`<span class="${CLASS[o.op]}">${MARK[o.op]} ${escapeHtml(o.text)}</span>`);
    i++;
  }
  return `<details class="diff diff-${diff.kind}"${diff.kind === "elements" ? " open" : ""}><summary>${escapeHtml(summary)}</summary><pre>${lines.join("\n")}</pre></details>`;
}

/** Which ops of a line diff to show: every change and CONTEXT lines either side. */
function nearChanges(diff: ReportDiff): boolean[] {
  const keep = diff.ops.map((o) => o.op !== "both");
  const changed = keep.slice();
  changed.forEach((c, i) => {
    if (!c) return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(keep.length - 1, i + CONTEXT); k++) keep[k] = true;
  });
  return keep;
}
