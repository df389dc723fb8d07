// FixBug: the code-generation eval of the brief. Given buggy OTP code and
// what is wrong with it, write the fix; a held-out harness then judges it.
import { z } from "zod";
import { Module, Predict, signature, type InputsOf } from "@otpforge/core";
import { SANDBOX_RULES } from "./harness-convention.js";

export const FixBug = signature({
  name: "FixBug",
  instructions:
    "You are given Elixir/OTP code with a concurrency bug and an explanation of the bug. Return the complete " +
    "corrected source. Keep every module name and every public function with the same arity and return values, " +
    "because hidden tests call the code through that API many times with concurrent clients. Fix the mechanism " +
    "named in the explanation using OTP principles (one message per atomic step, monitors instead of blind waits, " +
    "bounded timeouts, supervision that matches dependencies) rather than by sleeping or retrying.",
  inputs: {
    buggy_code: z.string().describe("the complete Elixir source that has the bug"),
    explanation: z.string().describe("what goes wrong at run time and why"),
  },
  outputs: {
    fixed_code: z.string().describe(`the complete corrected Elixir source (all modules, not a diff, no markdown fences). ${SANDBOX_RULES}`),
  },
});

/**
 * One gold row of the fix-bug eval: what the program sees (buggy_code,
 * explanation) and the held-out harness that grades its fix.
 */
export const fixBugCaseSchema = z.object({
  id: z.string().min(1),
  category: z.string().min(1).default("uncategorized"),
  buggy_code: z.string().min(1),
  explanation: z.string().min(1),
  harness: z.string().min(1),
  /**
   * The pass-to-pass suite (a second Scenario.run/0, importing FixBugSuite):
   * every public function with inputs of its own, seeded per run; it passes on
   * the buggy code, so a fix must keep what already worked. Optional.
   */
  suite: z.string().min(1).optional(),
  /**
   * The harness is explorable: the explorer covers every interleaving of the
   * reference fix within max_schedules with only :ok and finds a failing one
   * on the buggy code. A fix is then also searched (the `interleavings`
   * check), so one that only narrows a race window fails. Optional.
   */
  explore: z.object({ max_schedules: z.number().int().positive() }).optional(),
  /** The reference fix: never shown to the program; kept for reports. */
  reference_fix: z.string().optional(),
});

export type FixBugCase = z.output<typeof fixBugCaseSchema>;

/**
 * The ready-made fix-bug program: one predictor named `fix`. Compile it and
 * evaluate it as the same class so that artifacts match (`--program`).
 */
export class FixBugProgram extends Module {
  fix = new Predict(FixBug);

  async forward(inputs: InputsOf<typeof FixBug>) {
    return this.fix.forward(inputs);
  }
}
