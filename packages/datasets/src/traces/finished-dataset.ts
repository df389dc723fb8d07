// A trace dataset file that already holds every record its options ask for
// needs no BEAM: rerunning `dataset traces` on it only folds in a checkpoint
// and rewrites its statistics. This tells such a file from one that needs
// worlds run, and makes its result without running any.
import { concurrentTarget, type TraceDatasetResult } from "./build.js";
import { concurrentStats } from "./concurrent/stats.js";
import type { ConcurrentTraceExample } from "./concurrent/record.js";
import { datasetStats } from "./quality.js";
import { FAMILIES, type Family } from "./questions/spec.js";
import type { TraceExample } from "./record.js";

/** What readTraceDataset read. */
interface ReadDataset {
  examples: readonly TraceExample[];
  concurrent: readonly ConcurrentTraceExample[];
}

/** Whether the file still lacks sequential or concurrent records for `n` at this concurrent share. */
export function traceDatasetNeedsWorlds(read: ReadDataset, n: number, concurrentShare: number): boolean {
  const nConcurrent = concurrentTarget(n, concurrentShare);
  return read.examples.length < n - nConcurrent || read.concurrent.length < nConcurrent;
}

/** The result of a file that needs no world run: its records and their statistics, every world counter 0. */
export function finishedTraceDataset(
  read: ReadDataset,
  options: { n: number; families?: readonly Family[]; concurrentShare: number },
): TraceDatasetResult {
  const nConcurrent = concurrentTarget(options.n, options.concurrentShare);
  const zero = { run: 0, duplicates: 0, disagreeing: 0, failed: 0, busy: 0, incomplete: 0 };
  const stats = datasetStats(read.examples, options.n - nConcurrent, options.families ?? FAMILIES, zero);
  const concurrent =
    nConcurrent > 0 || read.concurrent.length
      ? { concurrent: concurrentStats(read.concurrent, { run: 0, incomplete: 0, unreadable: 0, failed: 0, duplicates: 0 }) }
      : {};
  return { examples: [...read.examples, ...read.concurrent], stats: { ...stats, ...concurrent }, complete: true };
}
