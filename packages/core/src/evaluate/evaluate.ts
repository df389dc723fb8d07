// evaluate: run a program over a dataset with bounded concurrency, score each
// prediction with a metric, and report per-example records in dataset order.
import { OtpforgeError } from "../errors.js";
import type { Example } from "../example.js";
import { NoLMConfiguredError } from "../settings.js";
import { UsageTracker } from "../lm/usage.js";
import { traceOfError, withTrace, type Trace } from "../trace.js";
import { ProgressBar } from "./progress-bar.js";
import { runUsage, type RunUsage } from "./run-usage.js";

export type MetricValue = number | boolean | { score: number | boolean; feedback?: string };

/**
 * Scores one prediction, usually in [0, 1]. As in DSPy, `trace` is given only
 * while an optimizer bootstraps demos (it holds that run's predictor calls);
 * evaluate passes none, so `trace === undefined` means "grade this output".
 */
export type Metric<E extends Example<any, any> = Example<any, any>, P = any> = (
  example: E,
  prediction: P,
  trace?: Trace,
) => MetricValue | Promise<MetricValue>;

export interface ProgramLike<P> {
  forward(inputs: any): Promise<P>;
  namedPredictors?(): Array<[string, unknown]>;
}

export interface EvaluateProgress {
  done: number;
  total: number;
  errors: number;
  /** Mean score so far over finished examples, 0..100. */
  score: number;
}

export interface EvaluateOptions {
  /** Examples run at once. Default 8. */
  concurrency?: number;
  /** Stop at the maxErrors-th failed example (as DSPy: 10 means the 10th failure stops it). Default: never stop. */
  maxErrors?: number;
  /** Score of an example whose program or metric threw. Default 0. */
  failureScore?: number;
  onProgress?: (progress: EvaluateProgress) => void;
  /** Progress bar on stderr: default only when stderr is a TTY. */
  progress?: boolean;
  signal?: AbortSignal;
}

export interface EvaluationRecord<E, P> {
  example: E;
  /** Undefined when the program threw. */
  prediction: P | undefined;
  score: number;
  feedback?: string;
  /** The error of the program or the metric, if one threw. */
  error?: unknown;
  /** The predictor calls of the run (for a run that threw: those made before it threw). */
  trace: Trace;
  /** The program run and the metric. */
  durationMs: number;
  /** The program run alone (its LM calls), without the metric's grading. */
  latencyMs: number;
  /** What the program run spent on LMs (the metric's own LM calls are not counted). */
  usage: RunUsage;
}

export interface EvaluationResult<E, P> {
  /** Mean score over all examples, 0..100. */
  score: number;
  results: EvaluationRecord<E, P>[];
  errors: number;
}

export class EvaluationAbortedError extends OtpforgeError {
  readonly failed: number;
  readonly firstError: unknown;

  constructor(failed: number, total: number, maxErrors: number, firstError: unknown) {
    super(
      "EVALUATION_ABORTED",
      `Evaluation stopped: ${failed} of ${total} examples failed (maxErrors ${maxErrors}). ` +
        `First error: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
      { cause: firstError },
    );
    this.failed = failed;
    this.firstError = firstError;
  }
}

export async function evaluate<E extends Example<any, any>, P>(
  program: ProgramLike<P>,
  devset: readonly E[],
  metric: Metric<E, P>,
  options: EvaluateOptions = {},
): Promise<EvaluationResult<E, P>> {
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new OtpforgeError("INVALID_OPTION", `evaluate: concurrency must be an integer >= 1, got ${concurrency}.`);
  }
  // A devset without input keys is a setup mistake: say so before running anything.
  for (const ex of devset) ex.inputs();
  const maxErrors = options.maxErrors ?? Infinity;
  const failureScore = options.failureScore ?? 0;
  const total = devset.length;
  const results: EvaluationRecord<E, P>[] = new Array(total);
  const bar = new ProgressBar({ total, label: "evaluate", enabled: options.progress });
  let next = 0;
  let done = 0;
  let errors = 0;
  let scoreSum = 0;
  let firstError: unknown;
  let abort: unknown;

  const runOne = async (i: number): Promise<void> => {
    const example = devset[i]!;
    const started = performance.now();
    let prediction: P | undefined;
    let trace: Trace = [];
    let latencyMs: number | undefined;
    // Scoped to this example only, so concurrent examples do not share counts.
    const tracker = new UsageTracker();
    let record: EvaluationRecord<E, P>;
    try {
      const run = await tracker.run(() => withTrace(() => program.forward(example.inputs()), { program: namedPrograms(program) }));
      latencyMs = performance.now() - started;
      prediction = run.result;
      trace = run.trace;
      // No trace: DSPy's Evaluate grades without one, and metrics tell evaluation from bootstrapping by it.
      const { score, feedback } = normaliseMetric(await metric(example, prediction));
      const timing = { durationMs: performance.now() - started, latencyMs };
      record = {
        example,
        prediction,
        score,
        ...(feedback !== undefined ? { feedback } : {}),
        trace,
        ...timing,
        usage: runUsage(tracker.totals(), trace),
      };
    } catch (error) {
      // A missing LM fails every example the same way: stop at once.
      if (error instanceof NoLMConfiguredError) {
        abort ??= error;
        return;
      }
      errors++;
      firstError ??= error;
      trace = traceOfError(error) ?? trace;
      const durationMs = performance.now() - started;
      record = {
        example,
        prediction,
        score: failureScore,
        error,
        trace,
        durationMs,
        latencyMs: latencyMs ?? durationMs,
        usage: runUsage(tracker.totals(), trace),
      };
      if (errors >= maxErrors) abort ??= new EvaluationAbortedError(errors, total, maxErrors, firstError);
    }
    results[i] = record;
    done++;
    scoreSum += record.score;
    const progress = { done, total, errors, score: (100 * scoreSum) / done };
    bar.update(done, `score ${progress.score.toFixed(1)}${errors ? `  errors ${errors}` : ""}`);
    options.onProgress?.(progress);
  };

  const worker = async (): Promise<void> => {
    while (abort === undefined && !options.signal?.aborted && next < total) await runOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  } finally {
    bar.finish();
  }
  if (abort !== undefined) throw abort;
  options.signal?.throwIfAborted();
  return { score: total ? (100 * results.reduce((s, r) => s + r.score, 0)) / total : 0, results, errors };
}

function namedPrograms(program: ProgramLike<unknown>) {
  return typeof program.namedPredictors === "function" ? (program as Required<ProgramLike<unknown>>) : undefined;
}

function normaliseMetric(value: MetricValue): { score: number; feedback?: string } {
  const v = typeof value === "object" && value !== null ? value : { score: value };
  const score = typeof v.score === "boolean" ? (v.score ? 1 : 0) : v.score;
  if (typeof score !== "number" || !Number.isFinite(score)) {
    throw new OtpforgeError(
      "INVALID_METRIC_VALUE",
      `The metric returned ${typeof value === "object" ? JSON.stringify(value) : String(value)}; return a finite number, a boolean, or { score, feedback }.`,
    );
  }
  return "feedback" in v && v.feedback !== undefined ? { score, feedback: v.feedback } : { score };
}
