// How observed runs become questions: agreement, outcome sets, exclusions.
// The observations here are synthetic on purpose: they pin down the rules for
// runs that disagree, which a real BEAM shows only now and then.
import { describe, expect, it } from "vitest";
import type { QuestionSpec, WorldObservation } from "../src/internal.js";
import { candidates } from "../src/traces/examples.js";

const specs: QuestionSpec[] = [
  { family: "final_state", proc: "Counter" },
  { family: "final_state", proc: "Stack" },
  { family: "call_result", step: 2 },
  { family: "message_fate", proc: "Counter", msg: { tuple: [{ atom: "add" }, 1] }, step: 1 },
];

function observation(answersPerRun: string[][]): WorldObservation {
  const runs = answersPerRun.map((answers) => ({ answers, events: [], lag: 0 }));
  return {
    runs,
    outcomes: specs.map((_, i) => [...new Set(runs.map((r) => r.answers[i]))].sort()),
    eventsAgree: true,
    orderSensitive: false,
    lagged: false,
  };
}

describe("question candidates from observed runs", () => {
  const obs = observation([
    ["3", ":dead", "{:exit, :noproc}", ":handled"],
    ["3", ":dead", "{:exit, :noproc}", ":handled"],
    ["4", ":dead", "{:exit, :noproc}", ":ambiguous"],
  ]);

  it("keeps answers all runs agree on, and drops dead final states and ambiguous messages", () => {
    const c = candidates(specs, obs, false);
    expect(c.map((x) => [x.spec.family, x.answer, x.deterministic, x.runsAgreed])).toEqual([["call_result", "{:exit, :noproc}", true, 3]]);
  });

  it("asks disagreeing answers as the set of observed outcomes when races are on", () => {
    const c = candidates(specs, obs, true);
    const fs = c.find((x) => x.spec.family === "final_state");
    expect(fs).toMatchObject({ answer: "[3, 4]", deterministic: false, outcomes: ["3", "4"], runsAgreed: 2 });
  });

  it("treats every answer of an order-sensitive world as an outcome set", () => {
    const c = candidates(specs, obs, true, true);
    expect(c.every((x) => !x.deterministic)).toBe(true);
    expect(c.find((x) => x.spec.family === "call_result")?.answer).toBe("[{:exit, :noproc}]");
    expect(candidates(specs, obs, false, true)).toEqual([]);
  });
});
