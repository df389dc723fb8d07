import { describe, it, expect } from "vitest";
import { example, Prediction } from "@otpforge/core";
import { scoreTraceAnswer, traceAnswer } from "@otpforge/metrics";
import { readPredictedTerm } from "../src/internal.js";

describe("traceAnswer scoring", () => {
  it("gives 1 for an exact term and 0 with feedback for a wrong one", () => {
    expect(scoreTraceAnswer("[:b, :a]", "term", "[:b, :a]").score).toBe(1);
    const wrong = scoreTraceAnswer("7", "integer", "8");
    expect(wrong.score).toBe(0);
    expect(wrong.feedback).toContain("Expected 7, got 8");
  });

  it("compares call exits by class, and says so when the class is wrong", () => {
    expect(
      scoreTraceAnswer(
        "{:exit, :timeout}",
        "term",
        "{:exit, {{:timeout, {GenServer, :call, [B, :get, 60]}}, {GenServer, :call, [A, {:ask, :get}, 5000]}}}",
      ).score,
    ).toBe(1);
    expect(scoreTraceAnswer("{:exit, RuntimeError}", "term", '{:exit, {%RuntimeError{message: "limit exceeded"}, []}}').score).toBe(1);
    const r = scoreTraceAnswer("{:exit, :noproc}", "term", "{:exit, :timeout}");
    expect(r.score).toBe(0);
    expect(r.feedback).toMatch(/class of the exit reason differs/);
  });

  it("scores unparseable predictions 0 and puts the parse error in the feedback", () => {
    const r = scoreTraceAnswer("3", "integer", "three, I think");
    expect(r.score).toBe(0);
    expect(r.feedback).toMatch(/Could not read the prediction as an Elixir term \(.*line 1/);
  });

  it("gives partial credit for ordered lists by LCS", () => {
    // keyword sugar: [add: 1, get: nil] is [{:add, 1}, {:get, nil}], which shares only {:add, 1}
    expect(scoreTraceAnswer("[{:add, 1}, :get, :tick]", "ordered_list", "[add: 1, get: nil]").score).toBeCloseTo(1 / 3, 3);
    expect(scoreTraceAnswer("[{:add, 1}, :get, :tick]", "ordered_list", "[{:add, 1}, :tick, :get]").score).toBeCloseTo(2 / 3, 3);
    expect(scoreTraceAnswer("[{:add, 1}, :get, :tick]", "ordered_list", "[{:add, 1}, :get, :tick]").score).toBe(1);
    expect(scoreTraceAnswer("[]", "ordered_list", "[]").score).toBe(1);
    expect(scoreTraceAnswer("[:a]", "ordered_list", ":a").score).toBe(0);
  });

  it("ignores order for sets and scores overlap with Jaccard", () => {
    expect(scoreTraceAnswer("[Counter, Stack]", "set", "[Stack, Counter]").score).toBe(1);
    const r = scoreTraceAnswer("[Counter, Stack]", "set", "[Counter]");
    expect(r.score).toBe(0.5);
    expect(r.feedback).toContain("missing Stack");
    expect(scoreTraceAnswer("[]", "set", "[]").score).toBe(1);
  });

  it("scores outcome sets by Jaccard, a single outcome counting as a one-element set", () => {
    expect(scoreTraceAnswer("[0, 1]", "outcome_set", "[1, 0]").score).toBe(1);
    expect(scoreTraceAnswer("[0, 1]", "outcome_set", "1").score).toBe(0.5);
  });

  it("gives half credit at most for a partly right list or map in a term answer", () => {
    expect(scoreTraceAnswer("[:b, :a]", "term", "[:a]").score).toBe(0.25);
    expect(scoreTraceAnswer("%{a: 1, b: 2}", "term", "%{a: 1, b: 3}").score).toBe(0.25);
    expect(scoreTraceAnswer("{:add, 3}", "term", "{:add, 4}").score).toBe(0);
  });

  it("finds the term in fenced, labelled or backticked answers", () => {
    expect(readPredictedTerm("```elixir\n[:a]\n```")).toMatchObject({ text: "[:a]" });
    expect(readPredictedTerm("Reasoning first.\nAnswer: {:exit, :noproc}.")).toMatchObject({ text: "{:exit, :noproc}" });
    expect(readPredictedTerm("It returns `42` here")).toMatchObject({ text: "42" });
  });
});

describe("traceAnswer as a metric", () => {
  const ex = example({ process_code: "...", event_trace: "...", question: "?", answer: "[Counter]", answer_kind: "set" }).withInputs(
    "process_code",
    "event_trace",
    "question",
  );

  it("reads the prediction output of a Prediction, an object, or plain text", () => {
    const pred = new Prediction({ reasoning: "r", prediction: "[Counter]" }, { raw: "", lm: "test/none" });
    expect(traceAnswer(ex, pred)).toMatchObject({ score: 1 });
    expect(traceAnswer(ex, { prediction: "[]" })).toMatchObject({ score: 0 });
    expect(traceAnswer({ answer: "5", answer_kind: "integer" }, "5")).toMatchObject({ score: 1 });
    expect(traceAnswer(ex, {})).toMatchObject({ score: 0, feedback: expect.stringContaining("no `prediction`") });
  });

  it("rejects examples without an answer or with an unknown kind", () => {
    expect(() => traceAnswer({ answer_kind: "term" }, "1")).toThrow(/string `answer`/);
    expect(() => traceAnswer({ answer: "1", answer_kind: "vibes" }, "1")).toThrow(/unknown answer_kind/);
  });
});
