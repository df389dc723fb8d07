import { describe, it, expect } from "vitest";
import { renderReport } from "@otpforge/core";
import { evalReportInput, summarizeEval, type EvalRecord } from "../src/index.js";

type R = EvalRecord & { expected: string; predicted?: string; feedback: string };

describe("evalReportInput", () => {
  const records: R[] = [
    { id: "a", category: "final_state", score: 1, expected: "3", predicted: "3", feedback: "exact" },
    { id: "b", category: "final_state", score: 0, expected: "[:a]", predicted: "[:b]", feedback: "different list" },
    { id: "c", category: "call_result", score: 0.5, expected: "{1, 2}", predicted: "{1, 3}", feedback: "1 of 2 parts" },
  ];
  const result = summarizeEval("reasoning", records);

  it("lists only imperfect examples, predicted against gold, and scores by category", () => {
    const input = evalReportInput(result, { label: "compiled" });
    expect(input.overall).toEqual([{ label: "compiled", score: 50 }]);
    expect(input.failures!.map((f) => [f.id, f.predicted, f.gold, f.feedback])).toEqual([
      ["b", "[:b]", "[:a]", "different list"],
      ["c", "{1, 3}", "{1, 2}", "1 of 2 parts"],
    ]);
    expect(input.categories).toEqual([
      { name: "call_result", n: 1, scores: { compiled: 50 } },
      { name: "final_state", n: 2, scores: { compiled: 50 } },
    ]);
  });

  it("compares with a baseline as a second series", () => {
    const baseline = summarizeEval("reasoning", records.map((r) => ({ ...r, score: 0 })));
    const input = evalReportInput(result, { label: "compiled", baseline: { label: "zero-shot", result: baseline } });
    expect(input.overall.map((o) => o.label)).toEqual(["zero-shot", "compiled"]);
    expect(input.categories![1]!.scores).toEqual({ "zero-shot": 0, compiled: 50 });
    expect(renderReport(input)).toContain('data-series="zero-shot"');
  });
});

describe("evalReportInput on fix-bug records", () => {
  it("shows the candidate fix against the behaviour the harness demands, with why it failed", () => {
    const rec = { id: "call-cycle", category: "deadlock", score: 0, status: "failed", passed: false, reason: "fix failed in 2 of 3 runs", runs: 3, failures: 2, failureRate: 2 / 3, firstFailure: "exit: timeout", fixed_code: "defmodule A do end" };
    const input = evalReportInput(summarizeEval("fix-bug", [rec]));
    const f = input.failures![0]!;
    expect(f.predicted).toBe("defmodule A do end");
    expect(f.gold).toContain("passes the held-out harness in all 3 runs");
    expect(f.gold).toContain("exit: timeout");
    expect(f.feedback).toBe("fix failed in 2 of 3 runs");
  });
});
