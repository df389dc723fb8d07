// The demo's first step: an execution-verified trace dataset under
// out/demo/, built on the BEAM pool, its splits in files of their own.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync } from "@otpforge/core";
import type { Pool } from "@otpforge/beam";
import {
  buildTraceDataset,
  concurrentTarget,
  poolRunner,
  parseTraceRecords,
  serializeTraceRecords,
  TraceResumeError,
  type TraceDatasetRecord,
  type TraceDatasetResult,
} from "@otpforge/datasets";
import type { DemoProgress } from "./demo-progress.js";

/** Half of the demo's examples come from concurrent worlds (every possible outcome), as for `otpforge dataset traces`. */
export const DEMO_CONCURRENT_SHARE = 0.5;

export async function buildDemoDataset(
  pool: Pool,
  opts: { n: number; runs: number; seed: string; outDir: string },
  progress: DemoProgress,
): Promise<{ examples: TraceDatasetRecord[]; stats: TraceDatasetResult["stats"]; path: string }> {
  const path = join(opts.outDir, "traces.jsonl");
  // A finished file from an earlier demo with the same seed is completed, not rebuilt.
  const existing = existsSync(path) ? safeRead(path) : [];
  const bar = progress("trace examples", opts.n);
  const build = (from: TraceDatasetRecord[]) =>
    buildTraceDataset({
      n: opts.n,
      seed: opts.seed,
      runs: opts.runs,
      concurrentShare: DEMO_CONCURRENT_SHARE,
      runner: poolRunner(pool),
      existing: from,
      onProgress: (p) =>
        bar.update(
          p.phase === "sequential" ? p.examples : opts.n - concurrentTarget(opts.n, DEMO_CONCURRENT_SHARE) + p.examples,
          `${p.phase} worlds: ${p.worlds}`,
        ),
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
