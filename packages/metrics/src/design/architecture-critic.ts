// The architecture critic (issue 17 item 5): a model reads the design's
// otp_architecture beside its skeleton and the story and says whether they
// agree. Execution cannot read prose, and an architecture that describes a
// different system than the code it came with is a wrong answer to the brief
// ("coherent and correct"). A model's opinion is weaker evidence than the
// BEAM's, so the critic gives a secondary score that is at most the execution
// score: it can lower what execution found, never raise it, and it is
// reported apart from it (the execution score is never changed).
import { z } from "zod";
import { currentLM, NoLMConfiguredError, Predict, signature, type LM } from "@otpforge/core";

export const ArchitectureCritic = signature({
  name: "ArchitectureCritic",
  instructions:
    "You review an Elixir/OTP system design. Execution on the BEAM has already checked the code skeleton against " +
    "the problem's requirements; judge only the written architecture: does it describe the system the skeleton " +
    "actually builds (the same processes, supervisors, strategies, restart types, where the state lives), and " +
    "does that system meet the story? An architecture that promises what the code does not do, or a design " +
    "that contradicts the story, does not count.",
  inputs: {
    problem_description: z.string().describe("the problem the design answers (story and contract)"),
    otp_architecture: z.string().describe("the architecture as the design describes it"),
    code_skeleton: z.string().describe("the Elixir code of the design"),
    execution: z.string().describe("what the checks on the live tree found"),
  },
  outputs: {
    matches_skeleton: z.boolean().describe("true when the architecture describes what the skeleton builds"),
    meets_story: z.boolean().describe("true when the described system meets the story"),
    critique: z.string().describe("one or two sentences: what disagrees, or why it holds"),
  },
});

/** The critic's view of one design, beside (never instead of) its execution score. */
export interface ArchitectureReview {
  /** min(execution score, the critic's share of verdicts that held): never above the execution score. */
  score: number;
  matches_skeleton: boolean;
  meets_story: boolean;
  critique: string;
  judged_by: string;
}

/** The secondary score: the critic can only take away from what execution found. */
export function architectureScore(executionScore: number, verdict: { matches_skeleton: boolean; meets_story: boolean }): number {
  const held = (Number(verdict.matches_skeleton) + Number(verdict.meets_story)) / 2;
  return Math.min(executionScore, held);
}

/** Which model critiques: "auto" the configured one (none configured: no critic), an LM that one, false none. */
export type CriticOption = "auto" | false | LM;

/** The critic's LM, or undefined when there is none to use. */
export function criticLM(option: CriticOption | undefined): LM | undefined {
  if (!option) return undefined;
  if (option !== "auto") return option;
  try {
    return currentLM();
  } catch (err) {
    if (err instanceof NoLMConfiguredError) return undefined;
    throw err;
  }
}

export interface CritiqueInput {
  problem_description: string;
  otp_architecture: string;
  code_skeleton: string;
  /** The execution score of this design (the ceiling of the review's score). */
  executionScore: number;
  /** What execution found, e.g. the requirements that failed. */
  execution: string;
}

export async function critiqueArchitecture(input: CritiqueInput, lm: LM): Promise<ArchitectureReview> {
  const critic = new Predict(ArchitectureCritic, { lm, temperature: 0 });
  const { outputs } = await critic.forward({
    problem_description: input.problem_description,
    otp_architecture: input.otp_architecture,
    code_skeleton: input.code_skeleton,
    execution: input.execution,
  });
  return {
    score: architectureScore(input.executionScore, outputs),
    matches_skeleton: outputs.matches_skeleton,
    meets_story: outputs.meets_story,
    critique: outputs.critique,
    judged_by: lm.id,
  };
}
