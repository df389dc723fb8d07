// Type-level tests: checked by `pnpm run typecheck` (which includes test files);
// the runtime assertions make vitest run them too.
import { describe, expectTypeOf, it, expect } from "vitest";
import { z } from "zod";
import { ChainOfThought, evaluate, example, Module, Predict, Prediction, signature, type InputsOf } from "../src/index.js";
import { type OutputsOf } from "../src/internal.js";
import { ScriptedLM, chatReply } from "../src/testing/index.js";

describe("type inference", () => {
  it("infers inputs and outputs of the object form", () => {
    const QA = signature({
      inputs: { question: z.string(), k: z.number().default(3) },
      outputs: { answer: z.string(), sources: z.array(z.string()).optional() },
    });
    expectTypeOf<InputsOf<typeof QA>>().toEqualTypeOf<{ question: string; k?: number | undefined }>();
    expectTypeOf<OutputsOf<typeof QA>>().toEqualTypeOf<{ answer: string; sources?: string[] | undefined }>();
    expect(QA.inputNames).toEqual(["question", "k"]);
  });

  it("infers the shorthand from the string literal", () => {
    const S = signature("question: string, context: string[], k?: int -> answer, score: number, ok: bool, extra: json");
    expectTypeOf<InputsOf<typeof S>>().toEqualTypeOf<{ question: string; context: string[]; k?: number | undefined }>();
    expectTypeOf<OutputsOf<typeof S>>().toEqualTypeOf<{ answer: string; score: number; ok: boolean; extra: unknown }>();
    expect(S.outputNames).toEqual(["answer", "score", "ok", "extra"]);
  });

  it("types Predict and ChainOfThought results, and rejects wrong inputs", async () => {
    const QA = signature("question -> answer: int");
    const lm = new ScriptedLM(chatReply({ reasoning: "2 and 2", answer: 4 }));
    const pred = await new Predict(QA, { lm }).forward({ question: "2+2?" });
    expectTypeOf(pred).toEqualTypeOf<Prediction<{ answer: number }>>();
    const cot = await new ChainOfThought(QA, { lm }).forward({ question: "2+2?" });
    expectTypeOf(cot.outputs).toEqualTypeOf<{ reasoning: string; answer: number }>();
    expect(cot.outputs).toEqual({ reasoning: "2 and 2", answer: 4 });
    // @ts-expect-error: `question` must be a string
    await expect(new Predict(QA, { lm }).forward({ question: 4 })).rejects.toThrow(/question/);
  });

  it("types examples by their input keys", () => {
    const ex = example({ question: "q", answer: "a", n: 1 }).withInputs("question");
    expectTypeOf(ex.inputs()).toEqualTypeOf<{ question: string }>();
    expectTypeOf(ex.labels()).toEqualTypeOf<{ answer: string; n: number }>();
    // @ts-expect-error: not a key of the example
    expect(() => ex.withInputs("nope")).toThrow(/nope/);
  });

  it("types Module.call from forward and the metric's prediction from the program", async () => {
    const QA = signature("question -> answer");
    class P extends Module {
      qa = new Predict(QA, { lm: new ScriptedLM(chatReply({ answer: "4" })) });
      async forward(input: { question: string }) {
        return this.qa.forward(input);
      }
    }
    const p = new P();
    expectTypeOf(p.call).parameters.toEqualTypeOf<[{ question: string }]>();
    const devset = [example({ question: "2+2?", answer: "4" }).withInputs("question")];
    const r = await evaluate(p, devset, (ex, pred) => {
      expectTypeOf(pred).toEqualTypeOf<Prediction<{ answer: string }>>();
      expectTypeOf(ex.labels()).toEqualTypeOf<{ answer: string }>();
      return pred.outputs.answer === ex.labels().answer;
    });
    expect(r.score).toBe(100);
  });
});
