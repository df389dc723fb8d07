import { describe, it, expect } from "vitest";
import { renderReport } from "@otpforge/core";
import { evalReportInput, formatEvalSummary, type EvalRecord } from "../src/index.js";
import { summarizeEval } from "../src/internal.js";

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
    const baseline = summarizeEval(
      "reasoning",
      records.map((r) => ({ ...r, score: 0 })),
    );
    const input = evalReportInput(result, { label: "compiled", baseline: { label: "zero-shot", result: baseline } });
    expect(input.overall.map((o) => o.label)).toEqual(["zero-shot", "compiled"]);
    expect(input.categories![1]!.scores).toEqual({ "zero-shot": 0, compiled: 50 });
    expect(renderReport(input)).toContain('data-series="zero-shot"');
  });
});

describe("evalReportInput on fix-bug records", () => {
  it("shows the candidate fix against the behaviour the harness demands, with why it failed", () => {
    const rec = {
      id: "call-cycle",
      category: "deadlock",
      score: 0,
      status: "failed",
      passed: false,
      reason: "fix failed in 2 of 3 runs",
      runs: 3,
      failures: 2,
      failureRate: 2 / 3,
      firstFailure: "exit: timeout",
      fixed_code: "defmodule A do end",
    };
    const input = evalReportInput(summarizeEval("fix-bug", [rec]));
    const f = input.failures![0]!;
    expect(f.predicted).toBe("defmodule A do end");
    expect(f.gold).toContain("passes the held-out harness in all 3 runs");
    expect(f.gold).toContain("exit: timeout");
    expect(f.feedback).toBe("fix failed in 2 of 3 runs");
  });

  it("names the check that failed and lists review findings apart, in the report and in the text summary", () => {
    const failed = {
      id: "call-cycle",
      category: "deadlock",
      score: 0,
      status: "failed",
      passed: false,
      runs: 2,
      failures: 0,
      failureRate: 0,
      reason: "api_shape: public functions removed or changed in arity: Audit.record/2",
      failedCheck: "api_shape",
      checks: [{ name: "api_shape", passed: false }],
      findings: [],
      fixed_code: "defmodule Audit do end",
    };
    const flagged = {
      id: "linked-task-crash",
      category: "links",
      score: 1,
      status: "passed",
      passed: true,
      runs: 2,
      failures: 0,
      failureRate: 0,
      reason: "passed",
      checks: [],
      findings: [
        {
          kind: "swallows_every_exit",
          module: "Crawler",
          function: "handle_info",
          line: 31,
          message: "handle_info takes every {:EXIT, _, _}",
        },
      ],
    };
    const result = summarizeEval("fix-bug", [failed, flagged]);
    const f = evalReportInput(result).failures![0]!;
    expect(f.gold).toContain("keeps the public API, passes the pass-to-pass suite and leaves no stray process");
    expect(f.gold).toContain("failed check: api_shape");
    const text = formatEvalSummary(result);
    expect(text).toMatch(/^  failed checks:\n    call-cycle: api_shape: public functions removed or changed in arity: Audit\.record\/2$/m);
    expect(text).toMatch(
      /^  review findings \(reported, not scored\):\n    linked-task-crash: swallows_every_exit in Crawler\.handle_info \(line 31\)$/m,
    );
  });
});
