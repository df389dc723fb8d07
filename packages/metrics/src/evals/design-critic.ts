// The design eval's optional architecture critic (see design/architecture-critic.ts):
// every checked design with a written architecture gets a review beside its
// execution score, and the eval a secondary mean, reported apart.
import type { LM } from "@otpforge/core";
import { critiqueArchitecture, type ArchitectureReview } from "../design/architecture-critic.js";
import type { RequirementResult } from "../design/verify-design.js";

interface Reviewable {
  score: number;
  status: string;
  passed: number;
  total: number;
  requirements: RequirementResult[];
  otp_architecture?: string;
  code_skeleton?: string;
  architecture_review?: ArchitectureReview;
}

/** The critic's summary: how many designs it reviewed and the mean of their secondary scores. */
export interface ArchitectureSummary {
  n: number;
  score: number;
  judged_by: string;
}

/**
 * Reviews each record in place (`architecture_review`); `score` is never
 * touched. A design that was not checked, or wrote no architecture, is not
 * reviewed: its secondary score could only be 0 or says nothing.
 */
export async function reviewArchitectures(
  records: Reviewable[],
  descriptions: string[],
  lm: LM,
  concurrency: number,
): Promise<ArchitectureSummary> {
  const todo = records.map((r, i) => ({ r, i })).filter(({ r }) => r.status === "checked" && (r.otp_architecture ?? "").trim() !== "");
  for (let at = 0; at < todo.length; at += Math.max(1, concurrency)) {
    await Promise.all(
      todo.slice(at, at + Math.max(1, concurrency)).map(async ({ r, i }) => {
        r.architecture_review = await critiqueArchitecture(
          {
            problem_description: descriptions[i] ?? "",
            otp_architecture: r.otp_architecture!,
            code_skeleton: r.code_skeleton ?? "",
            executionScore: r.score,
            execution: executionText(r),
          },
          lm,
        );
      }),
    );
  }
  const reviewed = todo.map(({ r }) => r.architecture_review!.score);
  return { n: reviewed.length, score: reviewed.length ? reviewed.reduce((a, b) => a + b, 0) / reviewed.length : 0, judged_by: lm.id };
}

function executionText(r: Reviewable): string {
  const failed = r.requirements.filter((q) => !q.pass);
  return [
    `${r.passed} of ${r.total} requirements hold (score ${r.score.toFixed(2)})`,
    ...failed.map((q) => `failed ${q.id} [${q.kind}]: ${q.description} Observed: ${q.detail}`),
  ].join("\n");
}
