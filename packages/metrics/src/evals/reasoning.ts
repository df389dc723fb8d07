// The reasoning eval of the brief: a program reads process_code, event_trace
// and question of trace examples (answers observed on the BEAM by
// @otpforge/datasets) and its prediction is scored with traceAnswer. Summary by
// question family (and by difficulty), one record per example.
import { evaluate, example, OtpforgeError, type EvaluateProgress, type ProgramLike } from "@otpforge/core";
import type { TraceRecord } from "@otpforge/otp-signatures";
import { traceAnswer, type TraceAnswerKind } from "../trace-answer/index.js";
import { summarizeEval, type CategorySummary, type EvalRecord, type EvalResult } from "./index.js";
import { runFields } from "./run-fields.js";

/** What the eval reads of a trace example: the shared trace record (a dataset line has more; it is kept). */
export type TraceEvalExample = TraceRecord;

export interface ReasoningRecord extends EvalRecord {
  family: string;
  difficulty: string;
  /** The dataset split the example belongs to (train, dev, test...). */
  split: string;
  /** How the answer is compared (closed atoms, lists...): the report's confusion tables and diffs depend on it. */
  answer_kind: TraceAnswerKind;
  expected: string;
  predicted?: string;
  feedback: string;
}

export interface ReasoningEvalResult extends EvalResult<ReasoningRecord> {
  byDifficulty: Record<string, CategorySummary>;
}

export interface EvalReasoningOptions {
  /** Only examples of this split (e.g. "test"); default all. */
  split?: string;
  /** Examples in flight at once. Default 4. */
  concurrency?: number;
  progress?: boolean;
  onProgress?: (progress: EvaluateProgress) => void;
}

export class TraceDataError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_TRACE_DATA", message, { category: "input" });
  }
}

/** Runs `program` (inputs process_code, event_trace, question; output prediction) and scores each prediction with traceAnswer. */
export async function evalReasoning(
  program: ProgramLike<unknown>,
  examples: readonly TraceEvalExample[],
  options: EvalReasoningOptions = {},
): Promise<ReasoningEvalResult> {
  const chosen = options.split ? examples.filter((e) => e.split === options.split) : [...examples];
  if (chosen.length === 0) throw new TraceDataError(`no trace examples${options.split ? ` in split "${options.split}"` : ""} to evaluate`);
  const devset = chosen.map((e) => example({ ...e }).withInputs("process_code", "event_trace", "question"));
  const result = await evaluate(program, devset, (ex, prediction) => traceAnswer(ex, prediction), {
    concurrency: options.concurrency ?? 4,
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const records = result.results.map((r): ReasoningRecord => {
    const e = r.example.data as TraceEvalExample;
    const world = (e as { provenance?: { worldHash?: unknown } }).provenance?.worldHash;
    const base = {
      id: e.id,
      // The questions of one world share its code and timeline: they are one cluster.
      ...(typeof world === "string" ? { cluster: world } : {}),
      category: e.family,
      family: e.family,
      difficulty: e.difficulty,
      split: e.split,
      answer_kind: e.answer_kind,
      expected: e.answer,
      durationMs: Math.round(r.durationMs),
      ...runFields(r),
    };
    if (r.error !== undefined) {
      const message = r.error instanceof Error ? r.error.message : String(r.error);
      return { ...base, score: 0, error: message, feedback: `error: ${message}` };
    }
    const predicted = predictionText(r.prediction);
    return { ...base, score: r.score, feedback: r.feedback ?? "", ...(predicted !== undefined ? { predicted } : {}) };
  });
  const summary = summarizeEval("reasoning", records);
  const byDifficulty: Record<string, CategorySummary> = {};
  for (const r of records) {
    const c = (byDifficulty[r.difficulty] ??= { n: 0, score: 0 });
    c.n++;
    c.score += r.score;
  }
  for (const c of Object.values(byDifficulty)) c.score /= c.n;
  return { ...summary, byDifficulty };
}

function predictionText(prediction: unknown): string | undefined {
  if (typeof prediction === "string") return prediction;
  const p = prediction as { outputs?: { prediction?: unknown }; prediction?: unknown } | undefined;
  const v = p?.outputs?.prediction ?? p?.prediction;
  return typeof v === "string" ? v : undefined;
}
