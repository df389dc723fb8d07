import { describe, expect, it } from "vitest";
import { ChatAdapter, Predict } from "@otpforge/core";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";
import { SystemDesign, designProblem } from "@otpforge/otp-signatures";
import { SKELETON_CONVENTION, problemDescription } from "../src/internal.js";

describe("SystemDesign", () => {
  it("maps a problem description to an architecture and a code skeleton", () => {
    expect(SystemDesign.inputNames).toEqual(["problem_description"]);
    expect(SystemDesign.outputNames).toEqual(["otp_architecture", "code_skeleton"]);
  });

  it("tells the model how the skeleton must be shaped to be started and tested", () => {
    const skeleton = SystemDesign.outputFields.find((f) => f.name === "code_skeleton")!;
    expect(skeleton.description).toContain(SKELETON_CONVENTION);
    for (const needle of ["start_link(opts)", "use Supervisor", "keyword list", "max_restarts", "No File, System"]) {
      expect(skeleton.description).toContain(needle);
    }
    for (const needle of ["one_for_one", "rest_for_one", "one_for_all", "transient", "temporary", "Registry", "max_children"]) {
      expect(SystemDesign.instructions).toContain(needle);
    }
  });

  it("puts instructions, field descriptions and the problem into the prompt and parses both outputs", async () => {
    const problem = designProblem("game-session");
    const lm = new ScriptedLM((req) =>
      chatReply({
        otp_architecture: `one_for_all over three workers (${inputOf(req, "problem_description")?.slice(0, 20)})`,
        code_skeleton: problem.reference.skeleton,
      }),
    );
    const design = new Predict(SystemDesign, { lm, adapter: new ChatAdapter() });
    const pred = await design.forward({ problem_description: problemDescription(problem) });
    expect(pred.outputs.code_skeleton).toBe(problem.reference.skeleton.trim());
    expect(pred.outputs.otp_architecture).toMatch(/^one_for_all over three workers \(A multiplayer game/);
    const prompt = lm.lastRequest!.messages.map((m) => m.content).join("\n");
    expect(prompt).toContain("start_link(opts)");
    expect(prompt).toContain("`Game.Supervisor` with `start_link(opts)`");
  });
});
