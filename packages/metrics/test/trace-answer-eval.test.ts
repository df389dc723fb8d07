import { describe, it, expect } from "vitest";
import { withSettings } from "@otpforge/core";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";
import { TraceProgram } from "@otpforge/otp-signatures";
import { evalReasoning, type TraceEvalExample } from "@otpforge/metrics";

// Three hand-written rows in the shared trace-record shape: fixtures for the
// eval's scoring and summaries only. Trace data files are read (strictly) by
// @otpforge/datasets and the trace task, tested on real data there.
const rows: TraceEvalExample[] = [
  {
    id: "tr-a",
    family: "call_result",
    difficulty: "easy",
    split: "test",
    process_code: "code A",
    event_trace: "trace A",
    question: "q1",
    answer: "{:exit, :noproc}",
    answer_kind: "term",
  },
  {
    id: "tr-b",
    family: "alive_at_end",
    difficulty: "easy",
    split: "test",
    process_code: "code B",
    event_trace: "trace B",
    question: "q2",
    answer: "[Counter, Stack]",
    answer_kind: "set",
  },
  {
    id: "tr-c",
    family: "alive_at_end",
    difficulty: "hard",
    split: "train",
    process_code: "code C",
    event_trace: "trace C",
    question: "q3",
    answer: "[]",
    answer_kind: "set",
  },
];

describe("reasoning eval", () => {
  it("runs the program on every example, scores with traceAnswer, summarises by family and difficulty", async () => {
    const examples = rows;
    const answers: Record<string, string> = {
      q1: "{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}",
      q2: "[Counter]",
      q3: "not a term",
    };
    const lm = new ScriptedLM((req) => chatReply({ reasoning: "r", prediction: answers[inputOf(req, "question") ?? ""] ?? "?" }));
    const result = await withSettings({ lm }, () => evalReasoning(new TraceProgram(), examples, { concurrency: 2 }));
    expect(result.task).toBe("reasoning");
    expect(result.records.map((r) => [r.id, r.score])).toEqual([
      ["tr-a", 1],
      ["tr-b", 0.5],
      ["tr-c", 0],
    ]);
    expect(result.records[2].feedback).toMatch(/Could not read the prediction/);
    expect(result.byCategory).toMatchObject({ alive_at_end: { n: 2, score: 0.25 }, call_result: { n: 1, score: 1 } });
    expect(result.byDifficulty.easy).toEqual({ n: 2, score: 0.75 });
    expect(result.score).toBeCloseTo(0.5, 5);
  });

  it("filters by split, and says when a split has no examples", async () => {
    const examples = rows;
    const lm = new ScriptedLM(chatReply({ reasoning: "r", prediction: "[]" }));
    const result = await withSettings({ lm }, () => evalReasoning(new TraceProgram(), examples, { split: "train" }));
    expect(result.records.map((r) => r.id)).toEqual(["tr-c"]);
    await expect(evalReasoning(new TraceProgram(), examples, { split: "dev" })).rejects.toThrow(/no trace examples in split "dev"/);
  });
});
