// The scenario eval: how often a generator's scenario for an anti-pattern is
// one the BEAM proves (the bug shows on the buggy code, never on the fix), per
// anti-pattern. The score of a record is 1 for a valid pair and 0 otherwise;
// the explanation is not judged here (scoreScenario's judge is optional and
// reported apart).
import { evaluate, example, Prediction, type ProgramLike } from "@otpforge/core";
import type { JobRunner } from "@otpforge/beam";
import { scoreScenario, type ScenarioCandidate } from "../scenario-metric.js";
import { summarizeEval, type EvalRecord, type EvalResult } from "./index.js";
import { runFields } from "./run-fields.js";

/** One anti-pattern to write a scenario for. */
export interface ScenarioTargetRecord {
  id: string;
  category: string;
  anti_pattern: string;
  split?: string;
}

export interface ScenarioEvalRecord extends EvalRecord {
  /** The verdict's reason code (valid, bug_not_reproduced, ...). */
  verdict: string;
  reason: string;
}

export interface EvalScenarioOptions {
  pool: JobRunner;
  /** Runs per side. Default 3. */
  runs?: number;
  timeoutMs?: number;
  concurrency?: number;
  progress?: boolean;
}

/** Whether a generated scenario is a verified pair: 1 or 0, with the verdict's reason as feedback. */
export async function scenarioAcceptance(
  outputs: Partial<ScenarioCandidate> | undefined,
  o: { pool: JobRunner; runs?: number; timeoutMs?: number; antiPattern?: string },
) {
  const candidate = {
    buggy_code: outputs?.buggy_code ?? "",
    fixed_code: outputs?.fixed_code ?? "",
    explanation: outputs?.explanation ?? "",
    harness: outputs?.harness ?? "",
  };
  const scored = await scoreScenario(candidate, {
    pool: o.pool,
    runs: o.runs ?? 3,
    judge: false,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.antiPattern ? { antiPattern: o.antiPattern } : {}),
  });
  return { score: scored.verdict.verdict === "valid" ? 1 : 0, feedback: scored.feedback, verdict: scored.verdict };
}

/** Runs `program` (input anti_pattern) on every target and checks each scenario on the BEAM; categories are anti-pattern ids. */
export async function evalScenario(
  program: ProgramLike<unknown>,
  targets: readonly ScenarioTargetRecord[],
  options: EvalScenarioOptions,
): Promise<EvalResult<ScenarioEvalRecord>> {
  const verdicts = new Map<string, { verdict: string; reason: string }>();
  const devset = targets.map((t) => example({ ...t }).withInputs("anti_pattern"));
  const result = await evaluate(
    program,
    devset,
    async (ex, prediction) => {
      const outputs = (prediction instanceof Prediction ? prediction.outputs : prediction) as Partial<ScenarioCandidate>;
      const a = await scenarioAcceptance(outputs, {
        pool: options.pool,
        ...(options.runs ? { runs: options.runs } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        antiPattern: ex.data.anti_pattern,
      });
      verdicts.set(ex.data.id, { verdict: a.verdict.code, reason: a.verdict.reason });
      return { score: a.score, feedback: a.feedback };
    },
    { concurrency: options.concurrency ?? 4, ...(options.progress !== undefined ? { progress: options.progress } : {}) },
  );
  const records = result.results.map((r): ScenarioEvalRecord => {
    const t = r.example.data;
    const v = verdicts.get(t.id);
    const error = r.error !== undefined ? (r.error instanceof Error ? r.error.message : String(r.error)) : undefined;
    return {
      id: t.id,
      category: t.id,
      score: error ? 0 : r.score,
      durationMs: Math.round(r.durationMs),
      ...runFields(r),
      verdict: v?.verdict ?? "error",
      reason: error ?? v?.reason ?? "not graded",
      ...(error ? { error } : {}),
    };
  });
  return summarizeEval("scenario", records);
}
