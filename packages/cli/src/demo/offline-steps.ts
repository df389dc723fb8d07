// The demo's offline half: an execution-verified trace dataset and the
// verification of the reference catalog, both run on the BEAM pool.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ProgressBar, writeFileAtomicSync } from "@otpforge/core";
import type { Pool } from "@otpforge/beam";
import {
  buildTraceDataset, concurrentTarget, poolRunner, parseTraceRecords, serializeTraceRecords, TraceResumeError, type ConcurrentStats, type TraceDatasetRecord,
  type TraceDatasetResult,
} from "@otpforge/datasets";
import { verifyCatalog, type CatalogReport } from "@otpforge/metrics";
import { textTable, pct } from "./table.js";

export interface DemoIO {
  say: (text: string) => void;
  /** Progress bars are drawn only on a terminal. */
  progress: boolean;
}

/** Half of the demo's examples come from concurrent worlds (every possible outcome), as for `otpforge dataset traces`. */
export const DEMO_CONCURRENT_SHARE = 0.5;

export async function buildDemoDataset(pool: Pool, opts: { n: number; runs: number; seed: string; outDir: string }, io: DemoIO): Promise<{ examples: TraceDatasetRecord[]; stats: TraceDatasetResult["stats"]; path: string }> {
  const path = join(opts.outDir, "traces.jsonl");
  // A finished file from an earlier demo with the same seed is completed, not rebuilt.
  const existing = existsSync(path) ? safeRead(path) : [];
  const bar = new ProgressBar({ total: opts.n, label: "trace examples", enabled: io.progress });
  const build = (from: TraceDatasetRecord[]) =>
    buildTraceDataset({
      n: opts.n,
      seed: opts.seed,
      runs: opts.runs,
      concurrentShare: DEMO_CONCURRENT_SHARE,
      runner: poolRunner(pool),
      existing: from,
      onProgress: (p) => bar.update(p.phase === "sequential" ? p.examples : opts.n - concurrentTarget(opts.n, DEMO_CONCURRENT_SHARE) + p.examples, `${p.phase} worlds: ${p.worlds}`),
    });
  let result: TraceDatasetResult;
  try {
    result = await build(existing.filter((e) => e.provenance.seed === opts.seed));
  } catch (err) {
    // Records of another generator version or other options: this demo's file, rebuilt.
    if (!(err instanceof TraceResumeError)) throw err;
    result = await build([]);
  }
  bar.finish();
  writeFileAtomicSync(path, serializeTraceRecords(result.examples));
  writeFileAtomicSync(join(opts.outDir, "traces.stats.json"), JSON.stringify(result.stats, null, 2) + "\n");
  for (const split of ["train", "dev", "test"] as const) {
    writeFileAtomicSync(join(opts.outDir, `${split}.jsonl`), serializeTraceRecords(result.examples.filter((e) => e.split === split)));
  }
  return { examples: result.examples, stats: result.stats, path };
}

function safeRead(path: string): TraceDatasetRecord[] {
  try {
    return parseTraceRecords(readFileSync(path, "utf8"), path);
  } catch {
    return []; // an older or foreign file: rebuild it
  }
}

export function datasetTable(stats: TraceDatasetResult["stats"]): string {
  const rows = Object.entries(stats.families).map(([family, f]) => [family, f.count, f.distinctAnswers, f.topAnswer ?? "-", pct(f.topShare)]);
  return (
    textTable(["family", "examples", "distinct answers", "most common answer", "its share"], rows) +
    `  splits: train ${stats.splits.train}, dev ${stats.splits.dev}, test ${stats.splits.test}; ` +
    `deterministic ${stats.deterministic}, outcome sets ${stats.nondeterministic}; ` +
    `worlds run ${stats.worlds.run} (duplicates ${stats.worlds.duplicates}, disagreeing ${stats.worlds.disagreeing}, failed ${stats.worlds.failed}); ` +
    `balance ${stats.balance.ok ? "ok" : "VIOLATED: " + stats.balance.violations.join("; ")}\n` +
    concurrentTable(stats.concurrent)
  );
}

/** The concurrent worlds' families: how many questions have two or more possible outcomes (which one run cannot tell). */
function concurrentTable(stats: ConcurrentStats | undefined): string {
  if (!stats) return "";
  const rows = Object.entries(stats.families).map(([family, f]) => [family, f.questions, f.multiOutcome, f.maxOutcomes]);
  return (
    "\n" +
    textTable(["concurrent family", "questions", "2+ possible outcomes", "most outcomes"], rows) +
    `  ${stats.questions} questions from ${stats.worlds.contributing} worlds, each explored over every interleaving (${stats.model.join(", ") || "single-node"} model); ` +
    `${pct(stats.multiOutcomeShare)} have two or more possible outcomes\n`
  );
}

export async function verifyDemoCatalog(pool: Pool, runs: number, io: DemoIO): Promise<CatalogReport> {
  let bar: ProgressBar | undefined;
  const report = await verifyCatalog(undefined, {
    pool,
    runs,
    onEntry: (_check, done, total) => {
      bar ??= new ProgressBar({ total, label: "catalog entries", enabled: io.progress });
      bar.update(done);
    },
  });
  bar?.finish();
  return report;
}

export function catalogTable(report: CatalogReport): string {
  const rows = report.entries.map((c) => [
    c.id,
    c.kind,
    c.verdict.verdict,
    rate(c.verdict.buggyFailures, report.runs),
    rate(c.verdict.fixedFailures, report.runs),
    c.ok ? "as expected" : `UNEXPECTED: ${c.verdict.reason}`,
  ]);
  return textTable(["entry", "kind", "verdict", "bug shown", "fix failed", "check"], rows);
}

function rate(failures: number, runs: number): string {
  return `${failures}/${runs}`;
}
