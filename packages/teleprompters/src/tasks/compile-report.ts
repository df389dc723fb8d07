// The HTML report of a compile: the baseline (the program without demos)
// beside the compiled program on the valset, every candidate the optimizer
// scored (with the split it was scored on), the valset examples the compiled
// program still gets wrong, and the tuned prompts.
import type { ReportInput } from "@otpforge/core";
import { renderPrompts } from "../artifact/prompts.js";
import type { CompileTaskResult } from "./compile-to-dir.js";

/** Which category a valset example counts under in the report's table (default: its `category`, or its `family`). */
export type ReportCategoryOf = (data: Record<string, unknown>) => string | undefined;

const defaultCategoryOf: ReportCategoryOf = (d) =>
  typeof d.category === "string" ? d.category : typeof d.family === "string" ? d.family : undefined;

export function compileReportInput(taskName: string, o: CompileTaskResult, categoryOf: ReportCategoryOf = defaultCategoryOf): ReportInput {
  const a = o.result.artifact;
  const valSplit = o.splits.val ?? "valset";
  const overall = [
    ...(a.scores.baseline !== undefined ? [{ label: "zero-shot", score: a.scores.baseline, split: valSplit }] : []),
    ...(a.scores.val !== undefined ? [{ label: "compiled", score: a.scores.val, split: valSplit }] : []),
    ...(a.scores.train !== undefined ? [{ label: "compiled (train)", score: a.scores.train, split: o.splits.train ?? "trainset" }] : []),
  ];
  // Random search scores candidates on the valset, or on the trainset without one.
  const candidateSplit = o.valsetSize !== undefined ? valSplit : (o.splits.train ?? "trainset");
  const val = o.result.evaluations.val;
  // Gold and predicted are shown as the final predictor's outputs, not every field a record carries.
  const outputs = o.result.program.namedPredictors().at(-1)?.[1].signature.outputNames ?? [];
  const pick = (value: unknown) => {
    const v = (value ?? {}) as Record<string, unknown>;
    return JSON.stringify(Object.fromEntries(outputs.filter((k) => v[k] !== undefined).map((k) => [k, v[k]])));
  };
  return {
    title: `otpforge compile: ${taskName}`,
    split: valSplit,
    meta: {
      task: taskName,
      optimizer: a.optimizer.name,
      seed: a.optimizer.seed,
      trainset: `${o.trainsetSize}${o.splits.train ? ` (${o.splits.train})` : ""}`,
      ...(o.valsetSize !== undefined ? { valset: `${o.valsetSize}${o.splits.val ? ` (${o.splits.val})` : ""}` } : {}),
      content: a.contentHash.slice(0, 12),
    },
    overall,
    ...(a.scores.baseline !== undefined && a.scores.val !== undefined ? { baseline: "zero-shot" } : {}),
    ...categoryRows(o, categoryOf),
    candidates: a.scores.candidates.map((c) => ({ label: c.id, score: c.score, split: candidateSplit })),
    ...(val
      ? {
          failures: val.results
            .filter((r) => r.score < 1)
            .map((r) => ({
              id: String(r.example.data.id ?? ""),
              question: JSON.stringify(r.example.inputs()).slice(0, 400),
              predicted:
                r.error !== undefined
                  ? `error: ${r.error instanceof Error ? r.error.message : String(r.error)}`
                  : pick((r.prediction as { outputs?: unknown } | undefined)?.outputs),
              gold: pick(r.example.data),
              score: r.score,
              ...(r.feedback ? { feedback: r.feedback } : {}),
              // What the model did on this example: its raw answers, tokens, cost and latency.
              run: {
                raw: r.trace
                  .map((step) => step.prediction.raw ?? "")
                  .filter(Boolean)
                  .join("\n\n"),
                tokens: { prompt: r.usage.promptTokens, completion: r.usage.completionTokens },
                ...(r.usage.costUSD !== undefined ? { costUSD: r.usage.costUSD } : {}),
                latencyMs: Math.round(r.latencyMs),
              },
            })),
        }
      : {}),
    prompts: Object.values(renderPrompts(o.result.program)).map((p) => ({ predictor: p.predictor, messages: p.messages })),
  };
}

// Zero-shot beside compiled per category of the valset (0..100, as the overall scores), when both were scored.
function categoryRows(o: CompileTaskResult, categoryOf: ReportCategoryOf): Pick<ReportInput, "categories"> {
  const { val, baseline } = o.result.evaluations;
  if (!val || !baseline) return {};
  const byCategory = new Map<string, { n: number; sums: Record<string, number> }>();
  for (const [label, evaluation] of [
    ["zero-shot", baseline],
    ["compiled", val],
  ] as const) {
    for (const r of evaluation.results) {
      const name = categoryOf(r.example.data as Record<string, unknown>);
      if (name === undefined) continue;
      const row = byCategory.get(name) ?? byCategory.set(name, { n: 0, sums: { "zero-shot": 0, compiled: 0 } }).get(name)!;
      if (label === "compiled") row.n += 1;
      row.sums[label]! += r.score;
    }
  }
  if (byCategory.size === 0) return {};
  const categories = [...byCategory]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([name, { n, sums }]) => ({
      name,
      n,
      scores: { "zero-shot": (100 * sums["zero-shot"]!) / n, compiled: (100 * sums.compiled!) / n },
    }));
  return { categories };
}
