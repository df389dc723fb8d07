// The common shape of the brief's three evals (fix-bug, design, reasoning):
// a score, a summary per category and one record per example. Each eval
// lives in its own file (fix-bug.ts, design.ts, reasoning.ts) and returns an
// EvalResult built with summarizeEval.
import { writeFileAtomicSync } from "@otpforge/core";
import type { RunFields } from "./run-fields.js";

/**
 * One example's outcome. Evals add their own fields. The run fields (inputs,
 * reasoning, raw, tokens, costUSD, latencyMs) are optional only because
 * records read back from older files may lack them; every eval writes them.
 */
export interface EvalRecord extends Partial<RunFields> {
  id: string;
  category: string;
  /** In [0, 1]. */
  score: number;
  /** Set when the program or the grading threw (the score is then 0). */
  error?: string;
  durationMs?: number;
  /**
   * Records that share a cluster are not independent (the questions of one trace world): the
   * confidence intervals count clusters, not records. Absent: the record is its own cluster.
   */
  cluster?: string;
}

export interface CategorySummary {
  n: number;
  /** Mean score in [0, 1]. */
  score: number;
  /** 95% confidence interval of the mean, clustered (see EvalRecord.cluster). */
  ci95?: [number, number];
  /** Independent clusters behind the interval. */
  clusters?: number;
}

export interface EvalResult<R extends EvalRecord = EvalRecord> {
  task: string;
  /** Mean score over all records, in [0, 1]. */
  score: number;
  n: number;
  /** Records whose program or grading threw. */
  errors: number;
  /** 95% confidence interval of the score, clustered by EvalRecord.cluster (absent below 2 clusters). */
  ci95?: [number, number];
  clusters?: number;
  byCategory: Record<string, CategorySummary>;
  records: R[];
}

/**
 * The mean score with a 95% interval whose variance is cluster-robust: scores of one cluster
 * may move together, so the variance sums each cluster's deviations before squaring them
 * (with the small-sample factor G/(G-1)). With one record per cluster this is the usual
 * standard error of a mean. Normal approximation, clipped to [0, 1].
 */
export function clusteredMean(records: ReadonlyArray<Pick<EvalRecord, "score" | "cluster" | "id">>): CategorySummary {
  const n = records.length;
  const score = n ? records.reduce((s, r) => s + r.score, 0) / n : 0;
  const sums = new Map<string, number>();
  records.forEach((r, i) => {
    const key = r.cluster ?? `\u0000${r.id}:${i}`;
    sums.set(key, (sums.get(key) ?? 0) + (r.score - score));
  });
  const g = sums.size;
  if (g < 2) return { n, score, clusters: g };
  const variance = ((g / (g - 1)) * [...sums.values()].reduce((s, d) => s + d * d, 0)) / (n * n);
  const half = 1.96 * Math.sqrt(variance);
  return { n, score, ci95: [Math.max(0, score - half), Math.min(1, score + half)], clusters: g };
}

export function summarizeEval<R extends EvalRecord>(task: string, records: R[]): EvalResult<R> {
  const groups = new Map<string, R[]>();
  for (const r of records) groups.set(r.category, [...(groups.get(r.category) ?? []), r]);
  const byCategory = Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, rs]) => [name, clusteredMean(rs)]));
  const overall = clusteredMean(records);
  return {
    task,
    score: overall.score,
    n: records.length,
    errors: records.filter((r) => r.error !== undefined).length,
    ...(overall.ci95 ? { ci95: overall.ci95 } : {}),
    clusters: overall.clusters,
    byCategory,
    records,
  };
}

/** A text summary: overall score, then one line per category. */
export function formatEvalSummary(result: EvalResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const width = Math.max(8, ...Object.keys(result.byCategory).map((c) => c.length));
  const ci = (c: { ci95?: [number, number]; clusters?: number }) => (c.ci95 ? `  [${pct(c.ci95[0])}, ${pct(c.ci95[1])}]` : "");
  const clustered =
    result.clusters !== undefined && result.clusters < result.n
      ? `; 95% intervals count ${result.clusters} clusters (worlds), not examples`
      : "";
  const lines = [
    `${result.task}: ${pct(result.score)}${ci(result)} over ${result.n} examples${result.errors ? ` (${result.errors} errors)` : ""}${clustered}`,
  ];
  lines.push(`  ${"category".padEnd(width)}  ${"n".padStart(4)}  score  (95% interval)`);
  for (const [name, c] of Object.entries(result.byCategory))
    lines.push(`  ${name.padEnd(width)}  ${String(c.n).padStart(4)}  ${pct(c.score)}${ci(c)}`);
  // Fix-bug records name the check that failed and carry review findings.
  const checked = result.records as Array<
    EvalRecord & {
      failedCheck?: string;
      reason?: string;
      findings?: Array<{ kind: string; module: string; function: string; line: number }>;
    }
  >;
  const failed = checked.filter((r) => r.failedCheck);
  if (failed.length) {
    lines.push("  failed checks:");
    for (const r of failed) lines.push(`    ${r.id}: ${oneLine(r.reason ?? r.failedCheck!)}`);
  }
  const flagged = checked.filter((r) => r.findings?.length);
  if (flagged.length) {
    lines.push("  review findings (reported, not scored):");
    for (const r of flagged)
      for (const f of r.findings!) lines.push(`    ${r.id}: ${f.kind} in ${f.module}.${f.function} (line ${f.line})`);
  }
  return lines.join("\n") + "\n";
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Writes the records as JSON lines, atomically. */
export function writeEvalRecords(path: string, records: readonly EvalRecord[]): void {
  writeFileAtomicSync(path, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
}

export { evalFixBug, gradeFix, readFixBugCases, FixBugDataError, DEFAULT_FIX_BUG_RUNS } from "./fix-bug.js";
export type { FixBugRecord, FixBugGrade, EvalFixBugOptions, GradeFixOptions } from "./fix-bug.js";
export { runFields, type RunFields } from "./run-fields.js";
