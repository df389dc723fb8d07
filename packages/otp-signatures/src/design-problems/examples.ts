// Design problems as dataset rows: examples for the design eval (the input is
// the problem description; the problem itself rides along as a label so the
// metric can check requirements of problems read from files too), and the
// reference answers as demos for optimizers.
import { example, type Example } from "@otpforge/core";
import { problemDescription } from "./describe.js";
import { DESIGN_PROBLEMS } from "./reference-set.js";
import type { DesignProblem } from "./types.js";

export interface DesignExampleData extends Record<string, unknown> {
  problem_description: string;
  problem_id: string;
  category: string;
  problem: DesignProblem;
}

/** One example per problem; `problem_description` is the only input. */
export function designExamples(problems: readonly DesignProblem[] = DESIGN_PROBLEMS): Example<DesignExampleData, "problem_description">[] {
  return problems.map((p) =>
    example<DesignExampleData>({
      problem_description: problemDescription(p),
      problem_id: p.id,
      category: p.category,
      problem: p,
    }).withInputs("problem_description"),
  );
}

/** The hand-written reference answers as complete SystemDesign demos (inputs and outputs). */
export function designDemos(problems: readonly DesignProblem[] = DESIGN_PROBLEMS) {
  return problems.map((p) =>
    example({
      problem_description: problemDescription(p),
      otp_architecture: p.reference.architecture,
      code_skeleton: p.reference.skeleton,
    }).withInputs("problem_description"),
  );
}
