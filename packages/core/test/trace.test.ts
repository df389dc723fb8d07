import { describe, expect, it } from "vitest";
import { ChainOfThought, Module, Predict, signature, traceOfError, withTrace } from "../src/index.js";
import { addUsage, traceUsage, ZERO_USAGE } from "../src/internal.js";
import { chatReply, inputOf, ScriptedLM } from "../src/testing/index.js";

const Solve = signature("problem: string -> answer: int", { name: "Solve" });
const Explain = signature("problem: string, answer: int -> explanation: string", { name: "Explain" });

class TwoStep extends Module {
  solve = new ChainOfThought(Solve);
  explain = new Predict(Explain);
  async forward(input: { problem: string }) {
    const s = await this.solve.forward(input);
    return this.explain.forward({ problem: input.problem, answer: s.outputs.answer });
  }
}

// The LM answers "a+b" problems; a varying latency makes concurrent runs interleave.
const lm = new ScriptedLM(
  [
    {
      when: "[[ ## explanation ## ]]",
      reply: (req) => chatReply({ explanation: `${inputOf(req, "problem")} is ${inputOf(req, "answer")}` }),
    },
    {
      reply: (req) => {
        const [a, b] = inputOf(req, "problem")!.split("+").map(Number);
        return chatReply({ reasoning: `add ${a} and ${b}`, answer: a! + b! });
      },
    },
  ],
  { latencyMs: (req) => (inputOf(req, "problem")!.length * 7) % 5 },
);

describe("withTrace", () => {
  it("keeps the traces of 16 concurrent runs of a two-step program apart", async () => {
    const program = new TwoStep();
    for (const p of program.predictors()) p.lm = lm;
    const problems = Array.from({ length: 16 }, (_, i) => `${i}+${i * 3}`);
    const runs = await Promise.all(problems.map((problem) => withTrace(() => program.forward({ problem }), { program })));
    runs.forEach(({ result, trace }, i) => {
      const answer = i + i * 3;
      expect(result.outputs.explanation).toBe(`${problems[i]} is ${answer}`);
      expect(trace.map((s) => s.name)).toEqual(["solve", "explain"]);
      expect(trace[0]!.predictor).toBe(program.solve);
      expect(trace[0]!.inputs).toEqual({ problem: problems[i] });
      expect(trace[0]!.outputs).toEqual({ reasoning: `add ${i} and ${i * 3}`, answer });
      expect(trace[1]!.inputs).toEqual({ problem: problems[i], answer });
      expect(trace[1]!.outputs).toEqual({ explanation: `${problems[i]} is ${answer}` });
      expect(trace[1]!.prediction.raw).toContain(`${problems[i]} is ${answer}`);
      expect(traceUsage(trace)).toEqual(addUsage(addUsage(ZERO_USAGE, trace[0]!.prediction.usage), trace[1]!.prediction.usage));
      expect(traceUsage(trace).promptTokens).toBeGreaterThan(0);
    });
  });

  it("records nothing outside withTrace, reports to enclosing traces, and keeps the partial trace of a failed run", async () => {
    const program = new TwoStep();
    for (const p of program.predictors()) p.lm = lm;
    await program.forward({ problem: "1+1" }); // no open trace: nothing to record, no error
    const outer = await withTrace(async () => {
      const inner = await withTrace(() => program.solve.forward({ problem: "2+2" }));
      expect(inner.trace).toHaveLength(1);
      return program.explain.forward({ problem: "2+2", answer: 4 });
    });
    expect(outer.trace.map((s) => s.predictor)).toEqual([program.solve, program.explain]);
    expect(outer.trace[0]!.name).toBeUndefined();

    const failing = new ScriptedLM([
      { when: "[[ ## explanation ## ]]", reply: "garbage" },
      { reply: chatReply({ reasoning: "r", answer: 2 }) },
    ]);
    for (const p of program.predictors()) p.lm = failing;
    const error = await withTrace(() => program.forward({ problem: "1+1" }), { program }).catch((e: unknown) => e);
    expect(traceOfError(error)?.map((s) => s.name)).toEqual(["solve"]);
  });
});
