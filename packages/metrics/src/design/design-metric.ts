// The design metric for optimizers and evals: score = fraction of the
// problem's requirements that the skeleton's live tree satisfies, with
// per-requirement feedback. Grading is by execution only; no model judges.
import type { JobRunner } from "@otpforge/beam";
import { Prediction, type Example, type MetricValue } from "@otpforge/core";
import { designProblem, parseDesignProblem, type DesignProblem } from "@otpforge/otp-signatures";
import { hashValue } from "@otpforge/core";
import { formatDesignFeedback } from "./feedback.js";
import type { ProbeTiming } from "./probe-script.js";
import { verifyDesign, type DesignVerification } from "./verify-design.js";

export interface DesignMetricOptions {
  pool: JobRunner;
  timing?: Partial<ProbeTiming>;
  /** Called with every verification (e.g. to keep records for a report). */
  onVerification?: (v: DesignVerification, example: Example) => void;
  /** Identical (problem, skeleton) pairs are verified once; how many results to keep. Default 256. */
  memoSize?: number;
}

export type DesignMetric = (example: Example, prediction: unknown) => Promise<MetricValue>;

/**
 * The problem an example is about: its `problem` label (validated), or the
 * reference problem named by `problem_id`.
 */
export function problemOfExample(example: Example): DesignProblem {
  const data = example.data as Record<string, unknown>;
  if (data.problem !== undefined)
    return parseDesignProblem(data.problem, `the "problem" of example ${String(data.problem_id ?? "")}`.trim());
  if (typeof data.problem_id === "string") return designProblem(data.problem_id);
  throw new TypeError('a design example needs a "problem" (a design problem) or a "problem_id" naming a reference problem');
}

/** The skeleton from a Prediction or a plain `{ code_skeleton }` object ("" when absent). */
export function skeletonOf(prediction: unknown): string {
  const outputs = prediction instanceof Prediction ? prediction.outputs : prediction;
  const value = (outputs as { code_skeleton?: unknown } | undefined)?.code_skeleton;
  return typeof value === "string" ? value : "";
}

export function designMetric(options: DesignMetricOptions): DesignMetric {
  const memo = new Map<string, Promise<DesignVerification>>();
  const memoSize = options.memoSize ?? 256;

  return async (example, prediction) => {
    const problem = problemOfExample(example);
    const skeleton = skeletonOf(prediction);
    const key = hashValue({ problem, skeleton });
    let pending = memo.get(key);
    if (!pending) {
      pending = verifyDesign(skeleton, problem, { pool: options.pool, ...(options.timing ? { timing: options.timing } : {}) });
      memo.set(key, pending);
      pending.catch(() => memo.delete(key));
      if (memo.size > memoSize) memo.delete(memo.keys().next().value!);
    }
    const v = await pending;
    options.onVerification?.(v, example);
    return { score: v.score, feedback: formatDesignFeedback(v) };
  };
}
