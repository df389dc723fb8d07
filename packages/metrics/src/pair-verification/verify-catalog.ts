// Verifies catalog entries: every reference pair must come out valid and
// every false friend invalid. Entries share one pool and run concurrently.
import { withPool, type JobRunner } from "@otpforge/beam";
import { catalog, type CatalogEntry } from "@otpforge/otp-signatures";
import type { PairVerdict } from "./types.js";
import { verifyPair, DEFAULT_RUNS } from "./verify-pair.js";

export interface CatalogCheck {
  id: string;
  kind: CatalogEntry["kind"];
  category: string;
  expected: "valid" | "invalid";
  /** True when the verdict is the expected one. */
  ok: boolean;
  verdict: PairVerdict;
}

export interface CatalogReport {
  ok: boolean;
  runs: number;
  entries: CatalogCheck[];
  /** Ids whose verdict was not the expected one. */
  unexpected: string[];
}

export interface VerifyCatalogOptions {
  runs?: number;
  timeoutMs?: number;
  pool?: JobRunner;
  /** Entries verified at once (their runs share the pool). Default 4. */
  concurrency?: number;
  onEntry?: (check: CatalogCheck, done: number, total: number) => void;
}

export async function verifyCatalog(
  entries: readonly CatalogEntry[] = catalog,
  options: VerifyCatalogOptions = {},
): Promise<CatalogReport> {
  return withPool(options.pool, (pool) => verifyAll(pool, entries, options));
}

async function verifyAll(pool: JobRunner, entries: readonly CatalogEntry[], options: VerifyCatalogOptions): Promise<CatalogReport> {
  const runs = options.runs ?? DEFAULT_RUNS;
  const checks: CatalogCheck[] = new Array(entries.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      const verdict = await verifyPair(e, { runs, pool, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      checks[i] = { id: e.id, kind: e.kind, category: e.category, expected: e.expected, ok: verdict.verdict === e.expected, verdict };
      options.onEntry?.(checks[i]!, ++done, entries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, entries.length) }, worker));
  const unexpected = checks.filter((c) => !c.ok).map((c) => c.id);
  return { ok: unexpected.length === 0, runs, entries: checks, unexpected };
}
