import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobRunner } from "@otpforge/beam";
import { evaluate, example, Prediction, withSettings } from "@otpforge/core";
import { chatReply, inputOf, ScriptedLM } from "@otpforge/core/testing";
import { catalogEntry, ScenarioProgram, scenarioDemos } from "@otpforge/otp-signatures";
import { scenarioMetric } from "../src/index.js";
import { scoreScenario, type ScenarioCandidate, type ScenarioScore } from "../src/internal.js";

let pool: JobRunner & { close(): Promise<void> };
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

// Keep the environment from configuring a model behind the test's back.
const savedLM = process.env.OTPFORGE_LM;
beforeAll(() => {
  delete process.env.OTPFORGE_LM;
});
afterEach(() => {
  delete process.env.OTPFORGE_LM;
});
afterAll(() => {
  if (savedLM !== undefined) process.env.OTPFORGE_LM = savedLM;
});

const entry = catalogEntry("calling-self");
const good: ScenarioCandidate = {
  buggy_code: entry.buggy,
  fixed_code: entry.fixed,
  explanation: entry.explanation,
  harness: entry.harness,
};
const part = (s: ScenarioScore, name: string) => s.parts.find((p) => p.name === name)!;

describe("scoreScenario", () => {
  it("gives a verified pair full marks and leaves the explanation out when no LM is configured", async () => {
    const s = await scoreScenario(good, { pool, runs: 2 });
    expect(s.score).toBe(1);
    expect(s.verdict.verdict).toBe("valid");
    for (const name of ["policy", "compiles", "bug_reproduced", "fix_holds"])
      expect(part(s, name)).toMatchObject({ score: 1, included: true });
    expect(part(s, "explanation")).toMatchObject({ included: false });
    expect(part(s, "explanation").feedback).toMatch(/no LM is configured/);
    expect(s.feedback).toMatch(/explanation: not scored/);
  });

  it("accepts code wrapped in markdown fences", async () => {
    const fenced = { ...good, buggy_code: "```elixir\n" + good.buggy_code + "```", harness: "```\n" + good.harness + "\n```" };
    expect((await scoreScenario(fenced, { pool, runs: 1, judge: false })).score).toBe(1);
  });

  it("scores the explanation with a model judge when one is given", async () => {
    const yes = new ScriptedLM(chatReply({ names_mechanism: true, critique: "Names the :calling_self exit." }));
    const no = new ScriptedLM(chatReply({ names_mechanism: false, critique: "Says 'race condition', which is not what happens." }));
    const judged = await scoreScenario(good, { pool, runs: 1, judge: yes, antiPattern: entry.antiPattern });
    expect(judged.score).toBe(1);
    expect(part(judged, "explanation")).toMatchObject({ score: 1, included: true });
    expect(part(judged, "explanation").feedback).toMatch(/judged by scripted\/test: Names the :calling_self exit/);
    // The judge saw the explanation and what execution showed.
    const prompt = yes.lastRequest!.messages.map((m) => m.content).join("\n");
    expect(prompt).toContain(entry.explanation);
    expect(prompt).toMatch(/verdict valid/);

    const rejected = await scoreScenario(good, { pool, runs: 1, judge: no });
    expect(part(rejected, "explanation")).toMatchObject({ score: 0, included: true });
    expect(rejected.score).toBeCloseTo(6 / 7);
  });

  it("uses the configured LM as judge under judge: 'auto'", async () => {
    const lm = new ScriptedLM(chatReply({ names_mechanism: true, critique: "ok" }));
    const s = await withSettings({ lm }, () => scoreScenario(good, { pool, runs: 1 }));
    expect(part(s, "explanation").included).toBe(true);
    expect(lm.calls).toBe(1);
  });

  it("gives no credit for bug or fix when both versions are the same program", async () => {
    const s = await scoreScenario({ ...good, fixed_code: good.buggy_code }, { pool, runs: 2, judge: false });
    expect(s.verdict.code).toBe("same_program");
    expect(part(s, "bug_reproduced").score).toBe(0);
    expect(part(s, "fix_holds").score).toBe(0);
    expect(part(s, "bug_reproduced").feedback).toMatch(/same program/);
    expect(s.score).toBeCloseTo(2 / 6);
  });

  it("scores a false friend below a real pair: the bug never shows", async () => {
    const ff = catalogEntry("local-variable-counter");
    const s = await scoreScenario(
      { buggy_code: ff.buggy, fixed_code: ff.fixed, explanation: ff.explanation, harness: ff.harness },
      { pool, runs: 2, judge: false },
    );
    expect(part(s, "bug_reproduced")).toMatchObject({ score: 0 });
    expect(part(s, "bug_reproduced").feedback).toMatch(/bug not reproduced in 2 runs/);
    expect(part(s, "fix_holds").score).toBe(1);
    expect(s.score).toBeCloseTo(4 / 6);
  });

  it("gives nothing past the policy to code that breaks it", async () => {
    const s = await scoreScenario(
      { ...good, harness: good.harness.replace("def run do", 'def run do\n    System.cmd("ls", [])') },
      { pool, runs: 2, judge: false },
    );
    expect(s.score).toBe(0);
    expect(part(s, "policy").feedback).toMatch(/harness breaks the sandbox policy/);
    expect(part(s, "compiles").feedback).toMatch(/policy check failed first/);
  });
});

describe("scenarioMetric", () => {
  it("is a Metric over Prediction outputs, returning score and feedback", async () => {
    const metric = scenarioMetric({ pool, runs: 1, judge: false });
    const ex = example({ anti_pattern: entry.antiPattern }).withInputs("anti_pattern");
    const value = await metric(ex, new Prediction(good, { raw: "", lm: "scripted/test" }));
    expect(value).toMatchObject({ score: 1 });
    expect((value as { feedback: string }).feedback).toMatch(/bug_reproduced: 1.00/);
  });
});

describe("a ScenarioProgram scored by scenarioMetric", () => {
  it("scores a real pair 1 and the brief's counter lower, through evaluate()", { timeout: 60_000 }, async () => {
    const ff = catalogEntry("local-variable-counter");
    const answers: Record<string, ScenarioCandidate> = {
      [entry.antiPattern]: good,
      [ff.antiPattern]: { buggy_code: ff.buggy, fixed_code: ff.fixed, explanation: ff.explanation, harness: ff.harness },
    };
    const lm = new ScriptedLM((req) => chatReply({ ...answers[inputOf(req, "anti_pattern") ?? ""]! }));
    const program = new ScenarioProgram();
    program.write.lm = lm;
    program.write.demos = scenarioDemos()
      .slice(0, 1)
      .map((d) => ({ ...d.data }));
    const devset = [entry, ff].map((e) => example({ anti_pattern: e.antiPattern }).withInputs("anti_pattern"));
    const result = await evaluate(program, devset, scenarioMetric({ pool, runs: 2, judge: false }), { concurrency: 2, progress: false });
    expect(result.results.map((r) => r.score)).toEqual([1, 4 / 6]);
    expect(result.results[1]!.feedback).toMatch(/bug not reproduced/);
    // The demo (a verified catalog pair) was in the prompt.
    expect(lm.requests[0]!.messages.map((m) => m.content).join("\n")).toContain(scenarioDemos()[0]!.data.harness as string);
  });
});
