// Several skeletons checked in one sandbox job, for TRUSTED skeletons only
// (the reference answers, the project's test fixtures). Each job pays for a
// fresh VM and a compile of the probe; a test suite that grades dozens of
// fixtures spends most of its time there. Model-written skeletons must never
// share a VM (a skeleton could leave something behind that changes another's
// verdict), so the design metric and the evals use verifyDesign, one job each.
//
// Within a job the probe runs each problem's checks in turn with the same
// cleanup between checks as within one problem (every process and name a
// check's tree made is gone before the next), so the verdicts are the ones
// separate jobs give. A job that fails as a whole (one fixture that does not
// compile, a timeout) is retried one skeleton per job, so every skeleton
// still gets its own verdict.
import type { DesignProblem } from "@otpforge/otp-signatures";
import { stripCodeFence } from "../pair-verification/code-text.js";
import { runProbeBatchJob, type ProbeReport } from "./probe-job.js";
import { buildBatchProbeScript, DEFAULT_PROBE_TIMING, hasProbePreload, type ProbeTiming } from "./probe-script.js";
import { findTopCandidates } from "./top-candidates.js";
import { exploreConcurrentCalls } from "./explore-concurrent.js";
import { jobTimeoutMs, toVerification, verifyDesign, type DesignVerification, type VerifyDesignOptions } from "./verify-design.js";

export interface DesignBatchItem {
  skeleton: string;
  problem: DesignProblem;
}

export interface VerifyDesignBatchOptions extends Omit<VerifyDesignOptions, "timeoutMs"> {
  /** Jobs to split the items into (run at once; give the pool's size). Default 2. */
  jobs?: number;
  /** Called with each probe report as it comes back (e.g. to replay it later without the BEAM). */
  onReport?: (item: DesignBatchItem, report: ProbeReport) => void;
}

/** Verifications in the order of `items`. */
export async function verifyDesignBatch(
  items: readonly DesignBatchItem[],
  options: VerifyDesignBatchOptions,
): Promise<DesignVerification[]> {
  const timing: ProbeTiming = { ...DEFAULT_PROBE_TIMING, ...options.timing };
  const out: DesignVerification[] = new Array(items.length);
  const batches = partition(items, options.jobs ?? 2, timing);
  await Promise.all(
    batches.map(async (batch) => {
      const started = Date.now();
      const entries = batch.map((i) => ({ problem: items[i]!.problem, candidates: findTopCandidates(stripCodeFence(items[i]!.skeleton)) }));
      const timeoutMs = batch.reduce((sum, i) => sum + jobTimeoutMs(items[i]!.problem, timing), 0);
      const r = await runProbeBatchJob(
        options.pool,
        batch.map((i) => stripCodeFence(items[i]!.skeleton)),
        buildBatchProbeScript(entries, timing, { preloaded: hasProbePreload(options.pool) }),
        timeoutMs,
      );
      if (r.kind === "reports") {
        for (const [k, i] of batch.entries()) {
          const item = items[i]!;
          options.onReport?.(item, r.reports[k]!);
          const explored =
            options.explore === false ? undefined : await exploreConcurrentCalls(options.pool, stripCodeFence(item.skeleton), item.problem);
          out[i] = toVerification(item.problem, { kind: "report", report: r.reports[k]! }, started, explored);
        }
        return;
      }
      // The job failed as a whole: give each skeleton a job of its own.
      for (const i of batch) out[i] = await verifyDesign(items[i]!.skeleton, items[i]!.problem, options);
    }),
  );
  return out;
}

/** Module names a skeleton defines: two skeletons in one job must not define the same one. */
function definedModules(skeleton: string): string[] {
  return [...skeleton.matchAll(/^\s*defmodule\s+([A-Z][\w.]*)/gm)].map((m) => m[1]!);
}

/**
 * Splits item indexes into at least `jobs` batches in which no two items
 * define the same module, longest budgets first onto the lightest batch.
 */
function partition(items: readonly DesignBatchItem[], jobs: number, timing: ProbeTiming): number[][] {
  const modules = items.map((it) => new Set(definedModules(stripCodeFence(it.skeleton))));
  const cost = items.map((it) => jobTimeoutMs(it.problem, timing));
  const batches: Array<{ idx: number[]; load: number; modules: Set<string> }> = [];
  for (let b = 0; b < Math.max(1, jobs); b++) batches.push({ idx: [], load: 0, modules: new Set() });
  const order = items.map((_, i) => i).sort((a, b) => cost[b]! - cost[a]! || a - b);
  for (const i of order) {
    const fits = batches.filter((b) => ![...modules[i]!].some((m) => b.modules.has(m)));
    let target = fits.sort((a, b) => a.load - b.load)[0];
    if (!target) batches.push((target = { idx: [], load: 0, modules: new Set() }));
    target.idx.push(i);
    target.load += cost[i]!;
    for (const m of modules[i]!) target.modules.add(m);
  }
  return batches.filter((b) => b.idx.length).map((b) => b.idx.sort((a, b) => a - b));
}
