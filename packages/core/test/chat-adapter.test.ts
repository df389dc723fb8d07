import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AdapterParseError, ChatAdapter, Predict, signature } from "../src/index.js";
import { MISSING_FIELD, PARTIAL_DEMO_PREFIX } from "../src/internal.js";
import { chatReply, ScriptedLM } from "../src/testing/index.js";

const QA = signature({
  name: "QA",
  instructions: "Answer briefly.\nUse the context.",
  inputs: { question: z.string().describe("the question"), context: z.array(z.string()) },
  outputs: { answer: z.string().describe("a short answer"), confidence: z.number() },
});
const adapter = new ChatAdapter();

describe("ChatAdapter.format", () => {
  it("writes DSPy's system message: fields, layout with type notes, objective", () => {
    const [system] = adapter.format(QA, { inputs: { question: "q", context: [] } });
    expect(system!.role).toBe("system");
    const c = system!.content;
    expect(c).toContain("Your input fields are:\n1. `question` (string): the question\n2. `context` (string[])");
    expect(c).toContain("Your output fields are:\n1. `answer` (string): a short answer\n2. `confidence` (number)");
    expect(c).toContain(
      "[[ ## question ## ]]\n{question}\n\n[[ ## context ## ]]\n{context}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## confidence ## ]]\n{confidence}        # note: the value you produce must be a single number value\n\n[[ ## completed ## ]]",
    );
    expect(c.endsWith("your objective is: \n        Answer briefly.\n        Use the context.")).toBe(true);
  });

  it("ends with a user message holding the inputs (non-strings as JSON) and the output requirements", () => {
    const messages = adapter.format(QA, { inputs: { question: "Why?", context: ["a", "b"] } });
    const last = messages[messages.length - 1]!;
    expect(last.role).toBe("user");
    expect(last.content).toBe(
      '[[ ## question ## ]]\nWhy?\n\n[[ ## context ## ]]\n[\n  "a",\n  "b"\n]\n\n' +
        "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then " +
        "`[[ ## confidence ## ]]` (must be a single number value), and then ending with the marker for `[[ ## completed ## ]]`.",
    );
  });

  it("uses the given instructions instead of the signature's", () => {
    const [system] = adapter.format(QA, { instructions: "Be terse.", inputs: { question: "q", context: [] } });
    expect(system!.content).toContain("your objective is: \n        Be terse.");
    expect(system!.content).not.toContain("Answer briefly.");
  });

  it("shows partial demos first with a note and placeholders, then complete demos, and drops useless ones", () => {
    const demos = [
      { question: "c1", context: ["x"], answer: "A1", confidence: 0.9 }, // complete
      { question: "p1", answer: "P1" }, // partial: one input, one output
      { question: "only inputs", context: [] }, // no output: dropped
      { answer: "only output", confidence: 1 }, // no input: dropped
      { question: "c2", context: [], answer: "A2", confidence: 0.5, extra: "ignored" }, // complete
    ];
    const messages = adapter.format(QA, { demos, inputs: { question: "q", context: [] } });
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"]);
    expect(messages[1]!.content).toBe(`${PARTIAL_DEMO_PREFIX}\n\n[[ ## question ## ]]\np1`);
    expect(messages[2]!.content).toBe(`[[ ## answer ## ]]\nP1\n\n[[ ## confidence ## ]]\n${MISSING_FIELD}\n\n[[ ## completed ## ]]`);
    expect(messages[3]!.content).toBe('[[ ## question ## ]]\nc1\n\n[[ ## context ## ]]\n[\n  "x"\n]');
    expect(messages[4]!.content).toBe("[[ ## answer ## ]]\nA1\n\n[[ ## confidence ## ]]\n0.9\n\n[[ ## completed ## ]]");
    expect(messages[5]!.content).toContain("c2");
    expect(messages.some((m) => m.content.includes("only inputs") || m.content.includes("only output"))).toBe(false);
    // Demo user turns do not repeat the output requirements; the real request does.
    expect(messages[3]!.content).not.toContain("Respond with");
    expect(messages[7]!.content).toContain("Respond with");
  });

  it("renders a prompt template with {field} placeholders", () => {
    const p = new Predict(QA);
    const last = p.format().at(-1)!.content;
    expect(last).toContain("[[ ## question ## ]]\n{question}\n\n[[ ## context ## ]]\n{context}");
  });
});

describe("ChatAdapter.parse", () => {
  it("reads sections, decodes non-text values, ignores text before the first header and unknown fields", () => {
    const r = adapter.parse(
      QA,
      "Sure!\n[[ ## answer ## ]]\nParis\nis the capital\n\n[[ ## notes ## ]]\nx\n[[ ## confidence ## ]]\n0.75\n\n[[ ## completed ## ]]",
    );
    expect(r).toEqual({ ok: true, value: { answer: "Paris\nis the capital", confidence: 0.75 } });
  });

  it("keeps the first occurrence of a repeated field, as DSPy does", () => {
    const r = adapter.parse(QA, chatReply({ answer: "first", confidence: 1 }) + "\n[[ ## answer ## ]]\nsecond");
    expect(r.ok && r.value.answer).toBe("first");
  });

  it("reports missing sections and wrong types as zod issues with paths", () => {
    const r = adapter.parse(QA, "[[ ## confidence ## ]]\nvery high");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.issues.map((i) => i.path)).toEqual([["answer"], ["confidence"]]);
    expect(r.error.message).toContain("answer: missing the [[ ## answer ## ]] section");
    expect(r.error.message).toMatch(/confidence: .*expected number/);
  });

  it("accepts Python-style booleans but not other words", () => {
    const Check = signature("claim -> holds: bool");
    expect(adapter.parse(Check, "[[ ## holds ## ]]\nTrue")).toEqual({ ok: true, value: { holds: true } });
    expect(adapter.parse(Check, "[[ ## holds ## ]]\nFALSE")).toEqual({ ok: true, value: { holds: false } });
    expect(adapter.parse(Check, "[[ ## holds ## ]]\nyes").ok).toBe(false);
  });

  it("round-trips formatAnswer through parse", () => {
    const outputs = { answer: "x\ny", confidence: 0.5 };
    expect(adapter.parse(QA, adapter.formatAnswer(QA, outputs))).toEqual({ ok: true, value: outputs });
  });
});

describe("parse-failure retry", () => {
  it("shows the error to the model and succeeds on a later attempt", async () => {
    const lm = new ScriptedLM([
      { when: (r) => r.messages.length === 2, reply: "[[ ## answer ## ]]\nParis\n\n[[ ## confidence ## ]]\nhigh" },
      { reply: chatReply({ answer: "Paris", confidence: 0.9 }) },
    ]);
    const pred = await new Predict(QA, { lm }).forward({ question: "Capital of France?", context: [] });
    expect(pred.outputs).toEqual({ answer: "Paris", confidence: 0.9 });
    expect(pred.attempts).toBe(2);
    expect(lm.calls).toBe(2);
    const retry = lm.requests[1]!.messages;
    expect(retry.slice(0, 2)).toEqual(lm.requests[0]!.messages);
    expect(retry[2]).toEqual({ role: "assistant", content: "[[ ## answer ## ]]\nParis\n\n[[ ## confidence ## ]]\nhigh" });
    expect(retry[3]!.role).toBe("user");
    expect(retry[3]!.content).toMatch(/could not be used:\n- confidence: .*expected number/);
    expect(retry[3]!.content).toContain("Respond with the corresponding output fields");
    // Usage covers both calls.
    expect(pred.usage.promptTokens).toBeGreaterThan(lm.requests[0]!.messages.map((m) => m.content).join("").length / 4);
  });

  it("throws AdapterParseError with every raw answer and the zod issues after maxRetries", async () => {
    const lm = new ScriptedLM((_, call) => `attempt ${call}: no sections at all`);
    const p = new Predict(QA, { lm, adapter: new ChatAdapter({ maxRetries: 1 }) });
    const error = await p.forward({ question: "q", context: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterParseError);
    const e = error as AdapterParseError;
    // Two chat attempts, then one through JSONAdapter (its failure reports the chat attempts).
    expect(lm.calls).toBe(3);
    expect(lm.requests[2]!.messages.at(-1)!.content).toMatch(/JSON/);
    expect(e.attemptsRaw).toEqual(["attempt 0: no sections at all", "attempt 1: no sections at all"]);
    expect(e.raw).toBe("attempt 1: no sections at all");
    expect(e.issues.map((i) => i.path[0])).toEqual(["answer", "confidence"]);
    expect(e.signatureName).toBe("QA");
    expect(e.message).toContain("after 2 attempts");
    expect(e.message).toContain("attempt 1: no sections at all");
  });

  it("retries a cut-off answer once with twice the token limit (not at the same limit), then says it was cut off", async () => {
    const lm = new ScriptedLM({ text: "[[ ## answer ## ]]\nPar", finishReason: "length" });
    const p = new Predict(QA, { lm, adapter: new ChatAdapter({ maxRetries: 0, jsonFallback: false }) });
    await expect(p.forward({ question: "q", context: [] }, { maxTokens: 100 })).rejects.toThrow(
      /cut off at the token limit twice, the second time at maxTokens=200: raise maxTokens/,
    );
    expect(lm.calls).toBe(2);
    expect(lm.requests.map((r) => r.maxTokens)).toEqual([100, 200]);
    // The retry is the same prompt, not a "fix your format" message.
    expect(lm.requests[1]!.messages).toEqual(lm.requests[0]!.messages);
    expect(() => new ChatAdapter({ maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it("falls back to JSONAdapter once when the chat layout keeps failing, and keeps its answer", async () => {
    const lm = new ScriptedLM([
      { when: (r) => !/JSON/.test(r.messages.at(-1)!.content), reply: "no sections at all" },
      { reply: '{"answer": "Paris", "confidence": 0.9}' },
    ]);
    const p = new Predict(QA, { lm, adapter: new ChatAdapter({ maxRetries: 1 }) });
    const r = await p.forward({ question: "q", context: [] });
    expect(r.outputs).toEqual({ answer: "Paris", confidence: 0.9 });
    expect(lm.calls).toBe(3);
    const off = new ScriptedLM("no sections at all");
    await expect(
      new Predict(QA, { lm: off, adapter: new ChatAdapter({ maxRetries: 1, jsonFallback: false }) }).forward({
        question: "q",
        context: [],
      }),
    ).rejects.toBeInstanceOf(AdapterParseError);
    expect(off.calls).toBe(2);
  });

  it("keeps the answer of the larger-limit retry when it completes", async () => {
    const lm = new ScriptedLM([
      { reply: { text: "[[ ## answer ## ]]\nPar", finishReason: "length" }, times: 1 },
      { reply: "[[ ## answer ## ]]\nParis\n\n[[ ## confidence ## ]]\n0.9\n\n[[ ## completed ## ]]" },
    ]);
    const p = new Predict(QA, { lm, adapter: new ChatAdapter({ maxRetries: 0 }) });
    const r = await p.forward({ question: "q", context: [] });
    expect(r.outputs.answer).toBe("Paris");
    expect(lm.requests.map((x) => x.maxTokens)).toEqual([undefined, 16_384]);
  });
});
