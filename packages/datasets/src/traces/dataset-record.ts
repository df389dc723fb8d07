// A line of a trace dataset file: a record of a sequential world (one observed
// run, proved deterministic) or of a concurrent world (every possible outcome).
// Both are shared trace records (@otpforge/otp-signatures), so the metric, the
// eval, the task and the exports read either; the generator's own code tells
// them apart by provenance.generator.
import type { z } from "zod";
import { concurrentTraceExampleSchema, type ConcurrentTraceExample } from "./concurrent/record.js";
import { traceExampleSchema, type TraceExample } from "./record.js";

export type TraceDatasetRecord = TraceExample | ConcurrentTraceExample;

export function isConcurrentRecord(r: TraceDatasetRecord): r is ConcurrentTraceExample {
  return r.provenance.generator === "otpforge/traces-concurrent";
}

/** The schema a parsed line must meet: the one its provenance names (a clearer error than a union's). */
export function recordSchemaFor(value: unknown): z.ZodType<TraceDatasetRecord> {
  const generator = (value as { provenance?: { generator?: unknown } } | null)?.provenance?.generator;
  return (generator === "otpforge/traces-concurrent" ? concurrentTraceExampleSchema : traceExampleSchema) as z.ZodType<TraceDatasetRecord>;
}
