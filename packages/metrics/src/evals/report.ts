// Turns eval results into the HTML report's input (`--report R.html` on
// `otpforge eval`): scores by category, and the examples that did not get
// full marks with what the program produced against what was expected.
import type { ReportInput } from "@otpforge/core";
import type { EvalRecord, EvalResult } from "./index.js";

/** What each eval's records call the program's answer and the gold one. */
function predictedAndGold(r: EvalRecord): { predicted: string; gold: string; question?: string } {
  const rec = r as EvalRecord & Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v, null, 2));
  if ("expected" in rec) return { predicted: text(rec.predicted ?? rec.error), gold: text(rec.expected) };
  if ("requirements" in rec) {
    const reqs = (rec.requirements as Array<{ id?: string; description?: string; passed?: boolean; observed?: string }>) ?? [];
    return {
      predicted: text(rec.code_skeleton ?? rec.error),
      gold: reqs.map((q) => `${q.passed ? "✓" : "✗"} ${q.description ?? q.id ?? ""}${q.observed ? ` (observed: ${q.observed})` : ""}`).join("\n"),
    };
  }
  if ("fixed_code" in rec || "passed" in rec) {
    // Fix-bug: the gold is behaviour, not text: the held-out harness must pass every run.
    const why = [rec.reason, rec.firstFailure].filter((v) => typeof v === "string" && v).join("\n");
    return { predicted: text(rec.fixed_code ?? rec.error), gold: `passes the held-out harness in all ${text(rec.runs)} runs${why ? `\ngot: ${why}` : ""}` };
  }
  return { predicted: text(rec.error), gold: "" };
}

export interface EvalReportOptions {
  title?: string;
  meta?: Record<string, string | number>;
  /** Another run to compare with (e.g. the zero-shot program), shown as a second series. */
  baseline?: { label: string; result: EvalResult };
  label?: string;
  /** The evaluated program's rendered prompts. */
  prompts?: ReportInput["prompts"];
}

export function evalReportInput(result: EvalResult, options: EvalReportOptions = {}): ReportInput {
  const label = options.label ?? "program";
  const runs = [...(options.baseline ? [{ label: options.baseline.label, result: options.baseline.result }] : []), { label, result }];
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.result.byCategory)))].sort();
  return {
    title: options.title ?? `otpforge eval: ${result.task}`,
    meta: { task: result.task, examples: result.n, errors: result.errors, ...options.meta },
    overall: runs.map((r) => ({ label: r.label, score: r.result.score * 100 })),
    categories: names.map((name) => ({
      name,
      n: result.byCategory[name]?.n,
      scores: Object.fromEntries(runs.filter((r) => r.result.byCategory[name]).map((r) => [r.label, r.result.byCategory[name]!.score * 100])),
    })),
    failures: result.records
      .filter((r) => r.score < 1)
      .map((r) => {
        const f = predictedAndGold(r);
        const rec = r as EvalRecord & { feedback?: unknown; message?: unknown; reason?: unknown };
        const feedback = rec.feedback ?? rec.message ?? rec.reason;
        return { id: r.id, category: r.category, predicted: f.predicted, gold: f.gold, score: r.score, ...(typeof feedback === "string" ? { feedback } : {}) };
      }),
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
}
