// Feedback text for a design verification: what an optimizer shows a model
// (or a person reads in a report) to understand which requirement failed and
// what the live tree actually did.
import type { DesignVerification } from "./verify-design.js";

export function formatDesignFeedback(v: DesignVerification, options: { tree?: boolean } = {}): string {
  const lines: string[] = [];
  if (v.status !== "checked") {
    lines.push(`Design not checked (${v.status}): ${v.message}. Score 0.`);
    lines.push("Every requirement needs a skeleton that compiles under the sandbox policy and whose top supervisor starts and stays up.");
    return lines.join("\n");
  }
  lines.push(`Design check: ${v.message} (score ${v.score.toFixed(2)}).`);
  for (const r of v.requirements) {
    lines.push(`${r.pass ? "PASS" : "FAIL"} ${r.id} (${r.kind}): ${r.description}${r.pass ? "" : ` Observed: ${r.detail}`}`);
  }
  if (options.tree !== false && v.tree) {
    lines.push("Live tree after start:");
    lines.push(...v.tree.split("\n").map((l) => `  ${l}`));
  }
  return lines.join("\n");
}
