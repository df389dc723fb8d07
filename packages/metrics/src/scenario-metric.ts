// The scenario metric: how close a generated ConcurrencyScenario (buggy code,
// fixed code, explanation, harness) is to a verified pair, in [0, 1], with
// feedback per part. Execution decides four parts; the explanation is judged
// by a model only when one is configured, otherwise it is left out of the
// score and the feedback says so.
import { z } from "zod";
import { currentLM, NoLMConfiguredError, Predict, Prediction, signature, type LM, type Metric } from "@otpforge/core";
import { stripCodeFence } from "./pair-verification/code-text.js";
import type { JobRunner } from "@otpforge/beam";
import type { PairVerdict } from "./pair-verification/types.js";
import { verifyPair } from "./pair-verification/verify-pair.js";

export type ScenarioPartName = "policy" | "compiles" | "bug_reproduced" | "fix_holds" | "explanation";

export interface ScenarioPart {
  name: ScenarioPartName;
  /** In [0, 1]. */
  score: number;
  weight: number;
  /** False when the part is not counted (the explanation without a judge). */
  included: boolean;
  feedback: string;
}

export interface ScenarioScore {
  score: number;
  /** One line per part. */
  feedback: string;
  parts: ScenarioPart[];
  verdict: PairVerdict;
}

export interface ScenarioCandidate {
  buggy_code: string;
  fixed_code: string;
  explanation: string;
  harness: string;
}

export interface ScenarioMetricOptions {
  /** The pool that runs the code (shared; not closed by the metric). */
  pool: JobRunner;
  /** K runs per side. Default 3 (optimizers call the metric many times). */
  runs?: number;
  timeoutMs?: number;
  /**
   * The explanation judge: "auto" (default) uses the configured LM if there is
   * one; an LM uses that one; false never judges.
   */
  judge?: "auto" | false | LM;
}

const WEIGHTS: Record<ScenarioPartName, number> = { policy: 1, compiles: 1, bug_reproduced: 2, fix_holds: 2, explanation: 1 };

/** Asks a model whether the explanation names the mechanism that execution showed. */
export const ExplanationJudge = signature({
  name: "ExplanationJudge",
  instructions:
    "You review an explanation of an Elixir/OTP concurrency bug. Execution has already shown whether the bug is real; " +
    "judge only the explanation: does it name the actual mechanism (which messages, processes, links, timers or " +
    "shared state cause the failure) and why the fix removes it, consistently with how the BEAM works? Vague or " +
    "wrong mechanisms (e.g. calling a single GenServer callback 'not atomic') do not count.",
  inputs: {
    anti_pattern: z.string().describe("the anti-pattern the scenario is about"),
    buggy_code: z.string().describe("the buggy Elixir code"),
    fixed_code: z.string().describe("the fixed Elixir code"),
    execution: z.string().describe("what running the harness showed"),
    explanation: z.string().describe("the explanation to judge"),
  },
  outputs: {
    names_mechanism: z.boolean().describe("true when the explanation names the real mechanism and why the fix works"),
    critique: z.string().describe("one or two sentences: what is right or missing"),
  },
});

/** Scores one candidate scenario. */
export async function scoreScenario(
  candidate: ScenarioCandidate,
  options: ScenarioMetricOptions & { antiPattern?: string },
): Promise<ScenarioScore> {
  const buggy = stripCodeFence(candidate.buggy_code ?? "");
  const fixed = stripCodeFence(candidate.fixed_code ?? "");
  const harness = stripCodeFence(candidate.harness ?? "");
  const verdict = await verifyPair(
    {
      buggy: buggy.trim() ? buggy : "# (empty)\n",
      fixed: fixed.trim() ? fixed : "# (empty)\n",
      harness: harness.trim() ? harness : "# (empty)\n",
    },
    { pool: options.pool, runs: options.runs ?? 3, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
  );
  const parts = executionParts(verdict);
  parts.push(await explanationPart(candidate, verdict, options));
  const counted = parts.filter((p) => p.included);
  const score = counted.reduce((s, p) => s + p.weight * p.score, 0) / counted.reduce((s, p) => s + p.weight, 0);
  const feedback = parts.map((p) => `${p.name}: ${p.included ? p.score.toFixed(2) : "not scored"} - ${p.feedback}`).join("\n");
  return { score, feedback, parts, verdict };
}

/** A Metric for evaluate() and the optimizers: prediction outputs are a ConcurrencyScenario's. */
export function scenarioMetric(options: ScenarioMetricOptions): Metric {
  return async (example, prediction) => {
    const outputs = (prediction instanceof Prediction ? prediction.outputs : prediction) as ScenarioCandidate;
    const antiPattern = typeof example?.data?.anti_pattern === "string" ? (example.data.anti_pattern as string) : undefined;
    const { score, feedback } = await scoreScenario(outputs, { ...options, ...(antiPattern ? { antiPattern } : {}) });
    return { score, feedback };
  };
}

function executionParts(v: PairVerdict): ScenarioPart[] {
  const part = (name: ScenarioPartName, score: number, feedback: string): ScenarioPart => ({
    name,
    score,
    weight: WEIGHTS[name],
    included: true,
    feedback,
  });
  const problems = [v.buggy.problem, v.fixed.problem].filter((p) => p !== undefined);
  const policyBroken = problems.some((p) => p.kind === "policy_violation");
  const compileBroken = problems.some((p) => p.kind === "compile_error");
  const parts = [
    part("policy", policyBroken ? 0 : 1, policyBroken ? v.reason : "buggy code, fixed code and harness pass the sandbox policy"),
  ];
  if (policyBroken) {
    parts.push(part("compiles", 0, "not compiled: the policy check failed first"));
  } else {
    parts.push(part("compiles", compileBroken ? 0 : 1, compileBroken ? v.reason : "both versions and the harness compile"));
  }
  if (policyBroken || compileBroken) {
    parts.push(part("bug_reproduced", 0, "not run"), part("fix_holds", 0, "not run"));
    return parts;
  }
  if (v.code === "same_program") {
    parts.push(part("bug_reproduced", 0, v.reason), part("fix_holds", 0, v.reason));
    return parts;
  }
  parts.push(
    part(
      "bug_reproduced",
      v.buggyFailures > 0 ? 1 : 0,
      v.buggyFailures > 0
        ? `the harness failed on the buggy code in ${v.buggyFailures} of ${v.runs} runs`
        : `bug not reproduced in ${v.runs} runs: the buggy code passes the harness`,
    ),
    part(
      "fix_holds",
      1 - v.fixedFailures / v.runs,
      v.fixedFailures === 0
        ? `the fixed code passed all ${v.runs} runs`
        : `fix failed in ${v.fixedFailures} of ${v.runs} runs${v.fixed.outcomes.find((o) => !o.passed)?.detail ? ` (first: ${v.fixed.outcomes.find((o) => !o.passed)!.detail})` : ""}`,
    ),
  );
  return parts;
}

async function explanationPart(
  candidate: ScenarioCandidate,
  verdict: PairVerdict,
  options: ScenarioMetricOptions & { antiPattern?: string },
): Promise<ScenarioPart> {
  const excluded = (feedback: string): ScenarioPart => ({
    name: "explanation",
    score: 0,
    weight: WEIGHTS.explanation,
    included: false,
    feedback,
  });
  if (options.judge === false) return excluded("not judged (judge disabled); left out of the score");
  let lm: LM;
  try {
    lm = options.judge && options.judge !== "auto" ? options.judge : currentLM();
  } catch (err) {
    if (err instanceof NoLMConfiguredError) return excluded("not judged: no LM is configured, so the explanation is left out of the score");
    throw err;
  }
  const judge = new Predict(ExplanationJudge, { lm, temperature: 0 });
  const { outputs } = await judge.forward({
    anti_pattern: options.antiPattern ?? "(not given)",
    buggy_code: candidate.buggy_code ?? "",
    fixed_code: candidate.fixed_code ?? "",
    execution: `verdict ${verdict.verdict}: ${verdict.reason}`,
    explanation: candidate.explanation ?? "",
  });
  return {
    name: "explanation",
    score: outputs.names_mechanism ? 1 : 0,
    weight: WEIGHTS.explanation,
    included: true,
    feedback: `judged by ${lm.id}: ${outputs.critique}`,
  };
}
