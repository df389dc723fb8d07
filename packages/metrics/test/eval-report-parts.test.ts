// evalReportInput fills the report's debugging parts from eval records: the
// question column, the split, the score by difficulty, confusion tables of
// closed-answer families, diffs of list answers and of fixes, the model run,
// the spend, and a baseline beside the score.
import { describe, expect, it } from "vitest";
import { renderReport } from "@otpforge/core";
import { evalReportInput, type EvalRecord, type ReasoningEvalResult, type ReasoningRecord } from "../src/index.js";
import { summarizeEval } from "../src/internal.js";

function rec(
  id: string,
  family: string,
  difficulty: string,
  expected: string,
  predicted: string | undefined,
  score: number,
  extra: Partial<ReasoningRecord> = {},
): ReasoningRecord {
  return {
    id,
    category: family,
    family,
    difficulty,
    split: "test",
    answer_kind: "term",
    expected,
    ...(predicted !== undefined ? { predicted } : {}),
    score,
    feedback: "",
    inputs: { process_code: "code", event_trace: "trace", question: `question ${id}` },
    ...extra,
  };
}

function reasoningResult(records: ReasoningRecord[]): ReasoningEvalResult {
  const s = summarizeEval("reasoning", records);
  const byDifficulty: ReasoningEvalResult["byDifficulty"] = {};
  for (const r of records) {
    const d = (byDifficulty[r.difficulty] ??= { n: 0, score: 0 });
    d.n++;
    d.score += r.score;
  }
  for (const d of Object.values(byDifficulty)) d.score /= d.n;
  return { ...s, byDifficulty };
}

const records = [
  rec("m1", "message_fate", "hard", ":handled", ":handled", 1),
  rec("m2", "message_fate", "easy", ":lost_in_mailbox", ":handled", 0, {
    reasoning: "it is handled",
    raw: "[[ ## prediction ## ]]\n:handled",
    tokens: { prompt: 900, completion: 40 },
    costUSD: 0.0002,
    latencyMs: 640,
  }),
  rec("m3", "message_fate", "easy", ":lost_in_mailbox", "maybe it crashes?", 0),
  rec("m4", "message_fate", "medium", ":never_delivered", undefined, 0, { error: "boom" }),
  rec("c1", "call_result", "easy", "{:exit, :noproc}", "{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}", 1),
  rec("c2", "call_result", "easy", "3", "{:exit, :timeout}", 0),
  rec("o1", "handling_order", "hard", "[:a, :b, :c]", "[:a, :c, :d]", 0.667, { answer_kind: "ordered_list" }),
  rec("s1", "alive_at_end", "hard", "[Counter, Stack]", "[Stack, Cache]", 0.333, { answer_kind: "set" }),
];
const result = reasoningResult(records);

describe("evalReportInput for the reasoning eval", () => {
  const input = evalReportInput(result, { label: "compiled" });
  const failure = (id: string) => input.failures!.find((f) => f.id === id)!;

  it("fills the question column from the example's inputs", () => {
    expect(input.failures!.map((f) => f.question)).toEqual(input.failures!.map((f) => `question ${f.id}`));
  });

  it("names the split: from the option, else from the records, else says it is not recorded", () => {
    expect(input.split).toBe("test");
    expect(evalReportInput(result, { split: "dev" }).split).toBe("dev");
    const mixed = reasoningResult([records[0]!, { ...records[1]!, split: "train" }]);
    expect(evalReportInput(mixed).split).toBe("test+train");
    expect(evalReportInput(summarizeEval("fix-bug", [{ id: "x", category: "c", score: 1 }])).split).toBe("not recorded");
  });

  it("scores by difficulty, easy to hard, beside the baseline", () => {
    const zero = reasoningResult(records.map((r) => ({ ...r, score: 0 })));
    const both = evalReportInput(result, { label: "compiled", baseline: { label: "zero-shot", result: zero } });
    expect(both.baseline).toBe("zero-shot");
    expect(both.overall.map((o) => o.label)).toEqual(["zero-shot", "compiled"]);
    const table = both.breakdowns!.find((b) => b.id === "by-difficulty")!;
    expect(table.rows.map((r) => [r.name, r.n, r.scores])).toEqual([
      ["easy", 4, { "zero-shot": 0, compiled: 25 }],
      ["medium", 1, { "zero-shot": 0, compiled: 0 }],
      ["hard", 3, { "zero-shot": 0, compiled: expect.closeTo((100 * (1 + 0.667 + 0.333)) / 3, 6) }],
    ]);
    expect(renderReport(both)).toMatch(/data-label="compiled">.*vs zero-shot/);
  });

  it("draws a confusion table for each closed-answer family only", () => {
    // call_result mixes a value (3) with exit classes: not a closed set. Lists never are.
    expect(input.confusions!.map((c) => c.name)).toEqual(["message_fate"]);
    const t = input.confusions![0]!;
    expect(t.gold).toEqual([":handled", ":lost_in_mailbox", ":never_delivered"]);
    expect(t.predicted).toEqual([":handled", ":lost_in_mailbox", ":never_delivered", "(unreadable)", "(no answer)"]);
    expect(t.counts).toEqual([
      [1, 0, 0, 0, 0],
      [1, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
    ]);
  });

  it("counts exit reasons by class in a confusion table", () => {
    const exits = reasoningResult([
      rec("e1", "call_result", "easy", "{:exit, :noproc}", "{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}", 1),
      rec("e2", "call_result", "easy", "{:exit, :timeout}", "{:exit, :noproc}", 0),
      rec("e3", "call_result", "easy", "{:exit, :timeout}", "{:ok, 3}", 0),
    ]);
    const t = evalReportInput(exits).confusions![0]!;
    expect(t.gold).toEqual(["{:exit, :noproc}", "{:exit, :timeout}"]);
    expect(t.predicted).toEqual(["{:exit, :noproc}", "{:exit, :timeout}", "(other)"]);
    expect(t.counts).toEqual([
      [1, 0, 0],
      [1, 0, 1],
    ]);
  });

  it("diffs list answers by element: in order for ordered lists, sorted for sets", () => {
    expect(failure("o1").diff).toEqual({
      kind: "elements",
      ops: [
        { op: "both", text: ":a" },
        { op: "gold", text: ":b" },
        { op: "both", text: ":c" },
        { op: "predicted", text: ":d" },
      ],
    });
    expect(failure("s1").diff!.ops).toEqual([
      { op: "gold", text: "Counter" },
      { op: "predicted", text: "Cache" },
      { op: "both", text: "Stack" },
    ]);
    // A one-term answer needs no diff.
    expect(failure("m2").diff).toBeUndefined();
  });

  it("carries the model run of a failure and the spend of the run", () => {
    expect(failure("m2").run).toEqual({
      reasoning: "it is handled",
      raw: "[[ ## prediction ## ]]\n:handled",
      tokens: { prompt: 900, completion: 40 },
      costUSD: 0.0002,
      latencyMs: 640,
    });
    expect(failure("m3").run).toBeUndefined();
    const priced = reasoningResult([records[1]!, { ...records[2]!, tokens: { prompt: 100, completion: 10 }, costUSD: 0.0001 }]);
    expect(evalReportInput(priced).meta).toMatchObject({ tokens: "1000 prompt + 50 completion", cost: "$0.0003" });
    expect(evalReportInput(result).meta).toMatchObject({ tokens: "900 prompt + 40 completion", cost: "unknown" });
  });

  it("escapes a question that holds a script tag", () => {
    const evil = reasoningResult([
      rec("x", "message_fate", "easy", ":handled", "<script>alert(1)</script>", 0, { inputs: { question: "<script>alert(2)</script>" } }),
    ]);
    const html = renderReport(evalReportInput(evil));
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("passes candidates through, labelled by split", () => {
    const withCandidates = evalReportInput(result, { candidates: [{ label: "bootstrap", score: 70, split: "dev" }] });
    expect(withCandidates.candidates).toEqual([{ label: "bootstrap", score: 70, split: "dev" }]);
  });
});

describe("evalReportInput for fix-bug and design records", () => {
  it("shows the explanation as the question and diffs the fix against the reference by line", () => {
    const fix: EvalRecord & Record<string, unknown> = {
      id: "calling-self",
      category: "deadlock",
      score: 0,
      status: "failed",
      passed: false,
      reason: "failed 1 of 1 runs",
      runs: 1,
      failures: 1,
      failureRate: 1,
      fixed_code: "defmodule A do\n  def f, do: GenServer.call(self(), :x)\nend\n",
      reference_fix: "defmodule A do\n  def f, do: :x\nend\n",
      inputs: { buggy_code: "...", explanation: "It calls itself." },
    };
    const f = evalReportInput(summarizeEval("fix-bug", [fix])).failures![0]!;
    expect(f.question).toBe("It calls itself.");
    expect(f.diff!.kind).toBe("lines");
    expect(f.diff!.ops.filter((o) => o.op !== "both").map((o) => `${o.op}:${o.text}`)).toEqual([
      "gold:  def f, do: :x",
      "predicted:  def f, do: GenServer.call(self(), :x)",
    ]);
  });

  it("shows the problem description as the design question", () => {
    const design = {
      id: "cache",
      category: "caching",
      score: 0.5,
      requirements: [],
      code_skeleton: "defmodule C do end",
      inputs: { problem_description: "Build a cache." },
    };
    expect(evalReportInput(summarizeEval("design", [design])).failures![0]!.question).toBe("Build a cache.");
  });
});
