// The text a model sees for a design problem: the story in a user's words,
// then the contract of names the checker relies on. Requirements are not
// shown; choosing the strategy, restart types and limits is the model's job.
import type { DesignProblem } from "./types.js";

export function problemDescription(problem: Pick<DesignProblem, "story" | "contract" | "topModule">): string {
  return [
    problem.story.trim(),
    "",
    "Contract (names and functions the system must use exactly, so it can be started and tested):",
    problem.contract.trim(),
    /Option `/.test(problem.contract)
      ? `- Every option above is passed in the keyword list given to \`${problem.topModule}.start_link/1\` and must reach the processes that use it.`
      : `- \`${problem.topModule}.start_link/1\` receives a keyword list (possibly empty).`,
  ].join("\n");
}
