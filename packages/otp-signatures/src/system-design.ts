// SystemDesign: the design task of the brief. Given a problem in a user's
// words (with a contract of names), plan an OTP architecture and write a
// skeleton that the design metric compiles, starts and injects faults into.
import { z } from "zod";
import { Module, Predict, signature, type InputsOf } from "@otpforge/core";
import { SANDBOX_RULES } from "./harness-convention.js";

/** How a skeleton must be shaped so that it can be started and inspected by the checker. */
export const SKELETON_CONVENTION =
  "The skeleton is complete, compilable Elixir source (no Mix project, no config files, no Hex packages). " +
  "It defines the top supervisor module named in the problem's contract (when none is named, `App.Supervisor`) " +
  "with `use Supervisor` and `start_link(opts)` taking a keyword list, typically " +
  "`Supervisor.start_link(__MODULE__, opts, name: __MODULE__)`; starting that one supervisor must start the whole " +
  "system, so do not rely on an Application module or on code run at the top level of the file. " +
  "Pass the options the contract lists (timer lengths, sizes) from `start_link/1` down to the processes that use " +
  "them, with the documented defaults, because tests shorten them. Use exactly the module names, registered names, " +
  "child ids and public functions (same arity and return values) of the contract; other processes are named by " +
  "their module (the default child id of `use GenServer`/`use Supervisor`). Every function the code calls must " +
  "exist and every process must start cleanly: no `...` or TODO bodies, no processes that crash on start. " +
  "Encode the failure behaviour in OTP itself (supervisor strategy, `restart:` of each child, `max_restarts`/" +
  "`max_seconds`, `max_children`, Registry names, `Process.send_after` or GenServer timeouts), not in custom retry " +
  `loops. ${SANDBOX_RULES}`;

export const SystemDesign = signature({
  name: "SystemDesign",
  instructions:
    "You are an Elixir/OTP architect. Given a system to build, design its supervision tree and write a runnable " +
    "skeleton of it. Decide, from how the problem says things must fail and recover: which processes exist and who " +
    "supervises them; each supervisor's strategy (one_for_one when children are independent, rest_for_one when " +
    "later children depend on earlier ones, one_for_all when they must restart together), with dependencies " +
    "started first; each child's restart type (permanent: always restarted; transient: restarted only after a " +
    "crash, not after a normal exit; temporary: never restarted); restart intensity (max_restarts within " +
    "max_seconds is a supervisor-wide budget: when it is exceeded the supervisor exits and its parent handles it); " +
    "concurrency limits (DynamicSupervisor max_children, pool sizes); per-key processes found through a Registry " +
    "(`{:via, Registry, {Reg, key}}`) under a DynamicSupervisor; and timers for expiry or periodic work. The " +
    "skeleton is started and tested by killing processes and watching what restarts, what survives and what " +
    "expires, so it must really behave as the architecture says.",
  inputs: {
    problem_description: z
      .string()
      .describe("the system to build, in a user's words, followed by a contract of module names, functions and options to use exactly"),
  },
  outputs: {
    otp_architecture: z
      .string()
      .describe(
        "the supervision tree in prose: every supervisor with its strategy and restart intensity, every child in start " +
          "order with its restart type, registries, limits and timers, and for each choice the failure it handles",
      ),
    code_skeleton: z.string().describe(`complete Elixir source of the system, without markdown fences. ${SKELETON_CONVENTION}`),
  },
});

/**
 * The ready-made design program: one Predict over SystemDesign named `design`.
 * `otpforge eval design` and `otpforge compile design` both use it, so an
 * artifact compiled by one loads into the other.
 */
export class SystemDesignProgram extends Module {
  design = new Predict(SystemDesign);

  async forward(inputs: InputsOf<typeof SystemDesign>) {
    return this.design.forward(inputs);
  }
}
