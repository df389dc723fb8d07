// Every eval record keeps what the model did on its example: the inputs, its
// reasoning and raw answer, tokens, cost and latency (runFields), plus the
// fields the report needs (split and answer kind; the fix-bug reference fix).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lm, withSettings } from "@otpforge/core";
import { chatReply, FakeProviderServer, inputOf, ScriptedLM } from "@otpforge/core/testing";
import { designExamples, designProblem, fixBugCases, FixBugProgram, SystemDesignProgram, TraceProgram } from "@otpforge/otp-signatures";
import { evalDesign, evalFixBug, evalReasoning, type TraceEvalExample } from "../src/index.js";

const rows: TraceEvalExample[] = [
  {
    id: "t1",
    family: "message_fate",
    difficulty: "easy",
    split: "test",
    process_code: "code 1",
    event_trace: "trace 1",
    question: "q1",
    answer: ":handled",
    answer_kind: "term",
  },
  {
    id: "t2",
    family: "handling_order",
    difficulty: "hard",
    split: "test",
    process_code: "code 2",
    event_trace: "trace 2",
    question: "q2",
    answer: "[:a, :b]",
    answer_kind: "ordered_list",
  },
];

describe("reasoning records", () => {
  it("keep inputs, reasoning, raw answer, tokens, latency, split and answer kind", async () => {
    const model = new ScriptedLM((req) =>
      inputOf(req, "question") === "q2"
        ? "gibberish"
        : chatReply({ reasoning: `thinking about ${inputOf(req, "question")}`, prediction: ":handled" }),
    );
    const result = await withSettings({ lm: model }, () => evalReasoning(new TraceProgram(), rows, { concurrency: 1 }));
    const [ok, failed] = result.records;
    expect(ok!.inputs).toEqual({ process_code: "code 1", event_trace: "trace 1", question: "q1" });
    expect(ok!.reasoning).toBe("thinking about q1");
    expect(ok!.raw).toContain("[[ ## prediction ## ]]\n:handled");
    expect(ok!.tokens!.prompt).toBeGreaterThan(0);
    expect(ok!.tokens!.completion).toBeGreaterThan(0);
    expect(ok!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(ok!.costUSD).toBeUndefined();
    expect([ok!.split, ok!.answer_kind]).toEqual(["test", "term"]);
    // A run whose answer never parsed still shows what the model wrote.
    expect(failed!.error).toMatch(/could not be parsed/);
    expect(failed!.raw).toBe("gibberish");
    expect(failed!.inputs!.question).toBe("q2");
    expect(failed!.answer_kind).toBe("ordered_list");
  });

  describe("with a priced LMClient", () => {
    let server: FakeProviderServer;
    beforeAll(async () => {
      server = await FakeProviderServer.start({
        handler: () => ({
          text: chatReply({ reasoning: "r", prediction: ":handled" }),
          usage: { promptTokens: 1000, completionTokens: 100, cachedTokens: 0 },
        }),
      });
    });
    afterAll(() => server.close());

    it("keep the estimated cost", async () => {
      const model = lm("openai/gpt-4o-mini", {
        env: { OPENAI_API_KEY: "sk-test-eval-records" },
        baseURL: server.openaiBaseURL,
        cache: false,
      });
      const result = await withSettings({ lm: model }, () => evalReasoning(new TraceProgram(), rows.slice(0, 1)));
      expect(result.records[0]!.tokens).toEqual({ prompt: 1000, completion: 100 });
      expect(result.records[0]!.costUSD).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    });
  });
});

describe("fix-bug records", () => {
  it("keep the run fields and the case's reference fix", async () => {
    const c = fixBugCases().find((x) => x.reference_fix)!;
    const program = new FixBugProgram();
    // A blank fix is graded "empty" without the BEAM.
    program.fix.lm = new ScriptedLM(chatReply({ fixed_code: " " }));
    const result = await evalFixBug(program, [c], { pool: {} as never });
    const rec = result.records[0]!;
    expect(rec.status).toBe("empty");
    expect(rec.reference_fix).toBe(c.reference_fix);
    expect(rec.inputs).toEqual({ buggy_code: c.buggy_code, explanation: c.explanation });
    expect(rec.raw).toContain("[[ ## fixed_code ## ]]");
    expect(rec.tokens!.prompt).toBeGreaterThan(0);
    expect(rec.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe("design records", () => {
  it("keep the problem description and the unparsed answer of a failed run", async () => {
    const program = new SystemDesignProgram();
    program.design.lm = new ScriptedLM("I would use a supervisor.");
    const p = designProblem("rate-limiter");
    const result = await evalDesign(program, [p], { pool: {} as never });
    const rec = result.records[0]!;
    expect(rec.error).toMatch(/could not be parsed/);
    expect(rec.inputs).toEqual({ problem_description: designExamples([p])[0]!.data.problem_description });
    expect(rec.raw).toBe("I would use a supervisor.");
    // The call was made (and, with a real model, paid for) though its answer could not be read.
    expect(rec.tokens!.prompt).toBeGreaterThan(0);
    expect(rec.tokens!.completion).toBeGreaterThan(0);
  });
});
