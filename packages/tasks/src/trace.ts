// The trace-prediction task: TraceProgram reads OTP code, a timeline and a
// question, and its prediction is scored by traceAnswer against the answer
// observed on the BEAM. traceAnswer gives partial credit, so only fully
// right runs become demos (threshold 1).
import { readFileSync } from "node:fs";
import { example } from "@otpforge/core";
import { parseTraceRecords, TraceFileError, type TraceDatasetRecord } from "@otpforge/datasets";
import { evalReasoning, traceAnswer } from "@otpforge/metrics";
import { TRACE_INPUT_FIELDS, TraceProgram } from "@otpforge/otp-signatures";
import type { OtpTask } from "./task.js";

export function traceTask(): OtpTask<TraceProgram, TraceDatasetRecord> {
  const readRecords = (file: string): TraceDatasetRecord[] => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new TraceFileError(
        `cannot read trace data ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
          `Make one with \`otpforge dataset traces --n 100 --seed 1 --out ${file}\`.`,
      );
    }
    const records = parseTraceRecords(text, file);
    const seen = new Set<string>();
    for (const r of records) {
      if (seen.has(r.id))
        throw new TraceFileError(
          `${file}: the id ${r.id} occurs twice; a trace dataset holds each example once (rebuild it, or remove the duplicate)`,
        );
      seen.add(r.id);
    }
    return records;
  };
  // The observed answer is the label of the `prediction` output, and the record's reasoning (written
  // from the observed events) that of `reasoning`: labeled demos are complete demos.
  const toExample = (r: TraceDatasetRecord) => example({ ...r, prediction: r.answer }).withInputs(...TRACE_INPUT_FIELDS);
  return {
    name: "trace",
    summary: "predict what OTP processes do: TraceProgram scored by traceAnswer; only exactly right runs become demos",
    dataHelp: "trace examples (JSONL) from `otpforge dataset traces`; a file holding all splits trains on train and validates on dev",
    description: "ConcurrencyTrace: process_code, event_trace, question -> reasoning, prediction",
    program: () => new TraceProgram(),
    metric: (ex, prediction) => traceAnswer(ex, prediction),
    metricThreshold: 1,
    readRecords,
    toExample,
    loadExamples: (file) => readRecords(file).map(toExample),
    evaluate: (program, records, o = {}) =>
      evalReasoning(program, records, {
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.progress !== undefined ? { progress: o.progress } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      }),
    close: async () => undefined,
  };
}
