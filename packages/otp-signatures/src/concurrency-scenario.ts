// ConcurrencyScenario: from an anti-pattern to a bug/fix pair that execution
// can prove (the harness shows the bug on the buggy code, never on the fix).
import { z } from "zod";
import { Module, Predict, signature, type InputsOf } from "@otpforge/core";
import { HARNESS_CONVENTION, SANDBOX_RULES } from "./harness-convention.js";

export const ConcurrencyScenario = signature({
  name: "ConcurrencyScenario",
  instructions:
    "Given an OTP concurrency anti-pattern, write a small, self-contained Elixir example that really has the bug " +
    "on the BEAM, a corrected version that keeps the same public API, an explanation of the mechanism, and a " +
    "harness that proves both by execution. Stay faithful to how the BEAM works: a GenServer handles one message " +
    "at a time, so copying state into a local variable inside one callback is not a race; a lost update needs the " +
    "read and the write in separate messages or shared state outside the process (ETS). A missing handle_info " +
    "does not crash a `use GenServer` module. Messages between one sender and one receiver stay in order. " +
    "If the described anti-pattern is not a real bug on the BEAM, still write the closest real bug and say so " +
    "in the explanation.",
  inputs: {
    anti_pattern: z.string().describe("the concurrency anti-pattern to demonstrate, e.g. 'lost update: get then set in two calls'"),
  },
  outputs: {
    buggy_code: z.string().describe(`Elixir source of the module(s) with the bug; no Scenario module here. ${SANDBOX_RULES}`),
    fixed_code: z
      .string()
      .describe(
        "Elixir source of the corrected module(s): the same module names and the same public functions as buggy_code, " +
          "so that one harness drives both; only the concurrency mechanism changes.",
      ),
    explanation: z
      .string()
      .describe(
        "Why the buggy code fails on the BEAM (the exact mechanism: which messages, processes, links or timers) and why the fix removes it.",
      ),
    harness: z.string().describe(HARNESS_CONVENTION),
  },
});

/** The ready-made scenario writer: one predictor named `write` (demos: scenarioDemos()). */
export class ScenarioProgram extends Module {
  write = new Predict(ConcurrencyScenario);

  async forward(inputs: InputsOf<typeof ConcurrencyScenario>) {
    return this.write.forward(inputs);
  }
}
