// The design eval's optional architecture critic: a model's review of the
// written architecture is a secondary score, at most the execution score and
// reported apart; it never changes what execution found. The BEAM is replaced
// by a pool that answers each probe job with a report (every requirement of
// the problem holds unless the skeleton says `# FAIL <id>`), so this test is
// about the scores, not the probe.
import { describe, expect, it } from "vitest";
import type { Job, JobResult } from "@otpforge/beam";
import { withSettings } from "@otpforge/core";
import { ScriptedLM, chatReply } from "@otpforge/core/testing";
import { designProblem } from "@otpforge/otp-signatures";
import { architectureScore, evalDesign, formatDesignDetails } from "@otpforge/metrics";

const pool = {
  run: async (job: Job): Promise<JobResult> => {
    const skeleton = job.files?.[0]?.source ?? "";
    const fails = new Set([...skeleton.matchAll(/# FAIL (\S+)/g)].map((m) => m[1]));
    const results = [...job.script!.matchAll(/%\{id: "([^"]+)", kind: :(\w+)/g)].map(([, id, kind]) => ({
      id: id!,
      kind: kind!,
      pass: !fails.has(id),
      detail: fails.has(id) ? "observed a failure" : "held",
    }));
    const report = { started: true, startError: null, top: "Shop.Supervisor.start_link/1", via: "convention", tree: "", results };
    return { status: "ok", message: "", stdout: "", stderr: "", durationMs: 1, valueJson: report, value: "" };
  },
};

const shop = designProblem("shop-backend");
const pooled = designProblem("connection-pool");

/** A design whose skeleton fails the given requirements (per the pool above). */
const program = (designs: Record<string, { architecture: string; fail?: string[] }>) => ({
  forward: async (inputs: { problem_description: string }) => {
    const p = [shop, pooled].find((q) => inputs.problem_description.includes(`\`${q.topModule}\``))!;
    const d = designs[p.id]!;
    return {
      otp_architecture: d.architecture,
      code_skeleton: `${p.reference.skeleton}\n${(d.fail ?? []).map((id) => `# FAIL ${id}`).join("\n")}\n`,
    };
  },
});

const verdict = (matches: boolean, meets: boolean, critique: string) =>
  chatReply({ matches_skeleton: matches, meets_story: meets, critique });

describe("architectureScore", () => {
  it("is the critic's share of verdicts that held, never above the execution score", () => {
    expect(architectureScore(1, { matches_skeleton: false, meets_story: true })).toBe(0.5);
    expect(architectureScore(1, { matches_skeleton: false, meets_story: false })).toBe(0);
    expect(architectureScore(0.4, { matches_skeleton: true, meets_story: true })).toBe(0.4);
    expect(architectureScore(0.5, { matches_skeleton: true, meets_story: false })).toBe(0.5);
  });
});

describe("evalDesign with an architecture critic", () => {
  it("lowers the secondary score of a design whose architecture disagrees with its skeleton, and leaves the execution score alone", async () => {
    const critic = new ScriptedLM(verdict(false, true, "The text says one_for_one; the skeleton uses rest_for_one."));
    const designs = { "shop-backend": { architecture: "Shop.Supervisor (one_for_one) starts Repo, Cache and Api." } };
    const plain = await evalDesign(program(designs) as never, [shop], { pool, progress: false });
    const judged = await evalDesign(program(designs) as never, [shop], { pool, progress: false, critic });

    expect(plain.score).toBe(1);
    expect(plain.architecture).toBeUndefined();
    expect(judged.score).toBe(plain.score);
    expect(judged.records[0]!.score).toBe(1);
    expect(judged.records[0]!.architecture_review).toEqual({
      score: 0.5,
      matches_skeleton: false,
      meets_story: true,
      critique: "The text says one_for_one; the skeleton uses rest_for_one.",
      judged_by: "scripted/test",
    });
    expect(judged.architecture).toEqual({ n: 1, score: 0.5, judged_by: "scripted/test" });
    // The critic read the architecture, the skeleton, the story and what execution found.
    const prompt = critic.lastRequest!.messages.map((m) => m.content).join("\n");
    expect(prompt).toContain("Shop.Supervisor (one_for_one) starts Repo, Cache and Api.");
    expect(prompt).toContain("strategy: :rest_for_one");
    expect(prompt).toContain(shop.story.slice(0, 60));
    expect(prompt).toMatch(/5 of 5 requirements hold/);
    // Printed apart from the execution score, with the critique of a design it marked down.
    expect(formatDesignDetails(judged)).toMatch(
      /^ {2}architecture critic \(scripted\/test; a secondary score, never above execution's\): 50\.0% over 1 designs\n {4}shop-backend: 50\.0%: The text says one_for_one/m,
    );
    expect(formatDesignDetails(plain)).not.toMatch(/architecture critic/);
  });

  it("never raises what execution found, however much the critic likes the architecture", async () => {
    const critic = new ScriptedLM(verdict(true, true, "Describes the skeleton exactly and meets the story."));
    const designs = {
      "shop-backend": { architecture: "as built", fail: ["strategy-rest-for-one"] },
      "connection-pool": { architecture: "as built", fail: ["closed-connection-replaced"] },
    };
    const plain = await evalDesign(program(designs) as never, [shop, pooled], { pool, progress: false });
    const judged = await evalDesign(program(designs) as never, [shop, pooled], { pool, progress: false, critic });
    expect(critic.calls).toBe(2);
    expect(judged.score).toBe(plain.score);
    for (const r of judged.records) {
      const before = plain.records.find((x) => x.id === r.id)!;
      expect(r.score, r.id).toBe(before.score);
      expect(r.score, r.id).toBeLessThan(1);
      expect(r.architecture_review!.score, r.id).toBe(r.score);
    }
    // The pool fails a behavioural requirement: capped at 0.5 by execution, and the critic cannot lift it.
    expect(judged.records.find((r) => r.id === "connection-pool")!.architecture_review!.score).toBe(0.5);
    expect(judged.architecture!.score).toBeLessThanOrEqual(judged.score);
  });

  it("runs no critic unless asked; 'auto' uses the configured LM, and skips a design that wrote no architecture", async () => {
    const lm = new ScriptedLM(verdict(false, false, "Describes another system."));
    const designs = { "shop-backend": { architecture: "anything" }, "connection-pool": { architecture: "" } };
    const off = await withSettings({ lm }, () => evalDesign(program(designs) as never, [shop, pooled], { pool, progress: false }));
    expect(lm.calls).toBe(0);
    expect(off.architecture).toBeUndefined();
    const auto = await withSettings({ lm }, () =>
      evalDesign(program(designs) as never, [shop, pooled], { pool, progress: false, critic: "auto" }),
    );
    // The pool's design wrote no architecture: nothing to review.
    expect(lm.calls).toBe(1);
    expect(auto.architecture).toEqual({ n: 1, score: 0, judged_by: "scripted/test" });
    expect(auto.records.find((r) => r.id === "connection-pool")!.architecture_review).toBeUndefined();
    expect(auto.score).toBe(off.score);
  });
});
