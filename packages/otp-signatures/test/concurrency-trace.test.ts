import { describe, it, expect } from "vitest";
import { withSettings } from "@otpforge/core";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";
import { ConcurrencyTrace, TraceProgram } from "@otpforge/otp-signatures";

describe("ConcurrencyTrace signature", () => {
  it("has the brief's fields: process_code, event_trace, question -> prediction, reasoning", () => {
    expect(ConcurrencyTrace.inputNames).toEqual(["process_code", "event_trace", "question"]);
    expect(ConcurrencyTrace.outputNames).toEqual(["prediction", "reasoning"]);
    expect(ConcurrencyTrace.instructions).toMatch(/calling_self/);
  });

  it("TraceProgram reasons first, then predicts, with one predictor named predict", async () => {
    const program = new TraceProgram();
    expect(program.namedPredictors().map(([n]) => n)).toEqual(["predict"]);
    const lm = new ScriptedLM((req) => {
      // The program sends the three inputs and asks for reasoning before the prediction.
      const question = inputOf(req, "question") ?? "";
      const system = req.messages.find((m) => m.role === "system")?.content ?? "";
      expect(system.indexOf("reasoning")).toBeLessThan(system.indexOf("prediction"));
      return chatReply({ reasoning: `A call to a dead name exits (${question.length} chars read).`, prediction: "{:exit, :noproc}" });
    });
    const pred = await withSettings({ lm }, () =>
      program.forward({
        process_code: "defmodule A do\nend",
        event_trace: "T=0ms (step 1): System -> A: GenServer.call(A, :get)",
        question: "What does the call in step 1 return?",
      }),
    );
    expect(pred.outputs.prediction).toBe("{:exit, :noproc}");
    expect(pred.outputs.reasoning).toMatch(/dead name/);
    expect(lm.calls).toBe(1);
  });
});
