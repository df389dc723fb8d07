// The design eval (the brief's system-design eval): a program gets a problem
// description and returns an architecture and a code skeleton; the skeleton is
// graded by the design metric (compiled, started, inspected and faulted on
// the BEAM). One record per problem, a summary per category.
import { withPool, type JobRunner } from "@otpforge/beam";
import { evaluate, OtpforgeError, Prediction, type EvaluateProgress, type ProgramLike } from "@otpforge/core";
import {
  DESIGN_PROBLEMS,
  designExamples,
  designProblem,
  InvalidDesignProblemError,
  parseDesignProblem,
  type DesignProblem,
} from "@otpforge/otp-signatures";
import { stripCodeFence } from "../pair-verification/code-text.js";
import { designProbePreload, type ProbeTiming } from "../design/probe-script.js";
import { designMetric, skeletonOf } from "../design/design-metric.js";
import type { DesignStatus, DesignVerification, RequirementResult } from "../design/verify-design.js";
import { criticLM, type ArchitectureReview, type CriticOption } from "../design/architecture-critic.js";
import { reviewArchitectures, type ArchitectureSummary } from "./design-critic.js";
import { failedRequirements, passRatesByKind, type FailedRequirement, type KindSummary } from "./design-summary.js";
import { summarizeEval, type EvalRecord, type EvalResult } from "./index.js";
import { readJsonlRecords } from "./jsonl.js";
import { runFields } from "./run-fields.js";

export interface DesignRecord extends EvalRecord {
  problem_id: string;
  status: DesignStatus;
  passed: number;
  total: number;
  /** Per requirement: held or not, and what was observed. */
  requirements: RequirementResult[];
  message: string;
  top?: string;
  via?: "convention" | "fallback";
  tree?: string;
  otp_architecture?: string;
  code_skeleton?: string;
  /** The architecture critic's review, when one ran: a secondary score, never above `score`, which it leaves alone. */
  architecture_review?: ArchitectureReview;
}

export interface EvalDesignOptions {
  /** Shared pool (not closed here); without one, a pool is created for the eval and closed after. */
  pool?: JobRunner;
  timing?: Partial<ProbeTiming>;
  /** Examples in flight at once (LM calls and grading). Default 4. */
  concurrency?: number;
  progress?: boolean;
  onProgress?: (progress: EvaluateProgress) => void;
  /**
   * The architecture critic: a model reads each checked design's otp_architecture
   * beside its skeleton and the story. Off by default; "auto" uses the configured LM
   * (none configured: no critic), an LM that one. Its score is reported apart.
   */
  critic?: CriticOption;
}

/** The eval summary, plus pass rates per requirement kind and every failed requirement with the scenario that exposed it. */
export interface DesignEvalResult extends EvalResult<DesignRecord> {
  byKind: Record<string, KindSummary>;
  failedRequirements: FailedRequirement[];
  /** The critic's secondary score (present only when a critic ran); `score` is execution's alone. */
  architecture?: ArchitectureSummary;
}

type DesignOutputs = { otp_architecture?: string; code_skeleton: string };

export class DesignDataError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_DESIGN_DATA", message, { category: "input" });
  }
}

/** Runs `program` (input problem_description; outputs otp_architecture, code_skeleton) on every problem and grades each skeleton. */
export async function evalDesign(
  program: ProgramLike<Prediction<DesignOutputs> | DesignOutputs>,
  problems: readonly DesignProblem[] = DESIGN_PROBLEMS,
  options: EvalDesignOptions = {},
): Promise<DesignEvalResult> {
  return withPool(options.pool, run, { preload: [designProbePreload()] });

  async function run(pool: JobRunner): Promise<DesignEvalResult> {
    const verifications = new Map<string, DesignVerification>();
    const metric = designMetric({
      pool,
      ...(options.timing ? { timing: options.timing } : {}),
      onVerification: (v, ex) => verifications.set(String(ex.data.problem_id), v),
    });
    const result = await evaluate(program, designExamples(problems), metric, {
      concurrency: options.concurrency ?? 4,
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });

    const records = result.results.map((r): DesignRecord => {
      const p = r.example.data.problem;
      const v = verifications.get(p.id);
      const base = {
        id: p.id,
        problem_id: p.id,
        category: p.category,
        score: r.score,
        durationMs: Math.round(r.durationMs),
        ...runFields(r),
      };
      if (r.error !== undefined || !v) {
        const message = r.error instanceof Error ? r.error.message : String(r.error ?? "not graded");
        return {
          ...base,
          score: 0,
          error: message,
          status: "runtime_error",
          passed: 0,
          total: p.requirements.length,
          requirements: [],
          message,
        };
      }
      const outputs = (r.prediction instanceof Prediction ? r.prediction.outputs : r.prediction) as Partial<DesignOutputs> | undefined;
      return {
        ...base,
        status: v.status,
        passed: v.passed,
        total: v.total,
        requirements: v.requirements,
        message: v.message,
        ...(v.top ? { top: v.top } : {}),
        ...(v.via ? { via: v.via } : {}),
        ...(v.tree ? { tree: v.tree } : {}),
        ...(typeof outputs?.otp_architecture === "string" ? { otp_architecture: outputs.otp_architecture } : {}),
        code_skeleton: stripCodeFence(skeletonOf(r.prediction)),
      };
    });
    const lm = criticLM(options.critic);
    const architecture = lm
      ? await reviewArchitectures(
          records,
          result.results.map((r) => r.example.data.problem_description),
          lm,
          options.concurrency ?? 4,
        )
      : undefined;
    return {
      ...summarizeEval("design", records),
      byKind: passRatesByKind(records),
      failedRequirements: failedRequirements(records),
      ...(architecture ? { architecture } : {}),
    };
  }
}

/**
 * Reads design problems from a JSONL file: each line is a full design problem
 * (see DesignProblemSchema) or `{"problem_id": "<id>"}` naming a reference problem.
 */
export function readDesignProblems(path: string): DesignProblem[] {
  const problems = readJsonlRecords(path, {
    what: "design data",
    unreadableHint: "Give a JSONL file with one design problem per line.",
    error: DesignDataError,
    idName: "problem id",
    id: (p: DesignProblem) => p.id,
    parse: (value, where) => {
      try {
        const ref = value as { problem_id?: unknown };
        return value !== null && typeof value === "object" && typeof ref.problem_id === "string" && Object.keys(value).length === 1
          ? designProblem(ref.problem_id)
          : parseDesignProblem(value, where);
      } catch (err) {
        if (err instanceof InvalidDesignProblemError) throw new DesignDataError(err.message);
        throw err;
      }
    },
  });
  if (problems.length === 0) throw new DesignDataError(`${path} holds no design problems.`);
  return problems;
}

/** The problems as JSONL (one problem a line), e.g. to write the reference set as eval data. */
export function designProblemsJsonl(problems: readonly DesignProblem[] = DESIGN_PROBLEMS): string {
  return problems.map((p) => JSON.stringify(p)).join("\n") + "\n";
}
