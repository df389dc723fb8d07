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
}

export interface CategorySummary {
  n: number;
  /** Mean score in [0, 1]. */
  score: number;
}

export interface EvalResult<R extends EvalRecord = EvalRecord> {
  task: string;
  /** Mean score over all records, in [0, 1]. */
  score: number;
  n: number;
  /** Records whose program or grading threw. */
  errors: number;
  byCategory: Record<string, CategorySummary>;
  records: R[];
}

export function summarizeEval<R extends EvalRecord>(task: string, records: R[]): EvalResult<R> {
  const byCategory: Record<string, CategorySummary> = {};
  for (const r of records) {
    const c = (byCategory[r.category] ??= { n: 0, score: 0 });
    c.n++;
    c.score += r.score;
  }
  for (const c of Object.values(byCategory)) c.score /= c.n;
  const sorted = Object.fromEntries(Object.entries(byCategory).sort(([a], [b]) => a.localeCompare(b)));
  const total = records.reduce((s, r) => s + r.score, 0);
  return {
    task,
    score: records.length ? total / records.length : 0,
    n: records.length,
    errors: records.filter((r) => r.error !== undefined).length,
    byCategory: sorted,
    records,
  };
}

/** A text summary: overall score, then one line per category. */
export function formatEvalSummary(result: EvalResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const width = Math.max(8, ...Object.keys(result.byCategory).map((c) => c.length));
  const lines = [`${result.task}: ${pct(result.score)} over ${result.n} examples${result.errors ? ` (${result.errors} errors)` : ""}`];
  lines.push(`  ${"category".padEnd(width)}  ${"n".padStart(4)}  score`);
  for (const [name, c] of Object.entries(result.byCategory)) lines.push(`  ${name.padEnd(width)}  ${String(c.n).padStart(4)}  ${pct(c.score)}`);
  // Fix-bug records name the check that failed and carry review findings.
  const checked = result.records as Array<EvalRecord & { failedCheck?: string; reason?: string; findings?: Array<{ kind: string; module: string; function: string; line: number }> }>;
  const failed = checked.filter((r) => r.failedCheck);
  if (failed.length) {
    lines.push("  failed checks:");
    for (const r of failed) lines.push(`    ${r.id}: ${oneLine(r.reason ?? r.failedCheck!)}`);
  }
  const flagged = checked.filter((r) => r.findings?.length);
  if (flagged.length) {
    lines.push("  review findings (reported, not scored):");
    for (const r of flagged) for (const f of r.findings!) lines.push(`    ${r.id}: ${f.kind} in ${f.module}.${f.function} (line ${f.line})`);
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
