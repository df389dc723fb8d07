// The scenario harness convention (DESIGN.md), stated once so that the
// signatures' field descriptions, the catalog and the docs say the same thing.

/** What a harness is and how it is judged, in words a model can follow. */
export const HARNESS_CONVENTION =
  "Elixir source that defines `defmodule Scenario` with a public function `run/0`. " +
  "`Scenario.run()` exercises the modules of the code under test through their public API and returns `:ok` " +
  "when the behaviour is correct, and `{:error, reason}` (or raises, exits or does not finish) when the " +
  "concurrency bug shows. The same harness is run many times, each time in fresh processes, against the buggy " +
  "code and against the fixed code: it must fail on the buggy code in at least one run and pass on the fixed code " +
  "in every run. Make races wide (many concurrent clients, work inside the window) and keep one run under 2 seconds: " +
  "use short GenServer.call timeouts (100-600 ms) to show deadlocks instead of the 5000 ms default, and catch exits " +
  "of calls to turn them into `{:error, reason}`. Start processes unlinked (or unlink or trap exits) so that a crash " +
  "is reported rather than killing the harness.";

/** The sandbox rules every piece of scenario code must follow. */
export const SANDBOX_RULES =
  "Only what ships with Elixir/OTP: GenServer, Supervisor, DynamicSupervisor, Agent, Task, Registry, Process, " +
  "Enum/Map/List/String, :ets, :queue and friends. No File, System, Port, Code.eval*, :os, Node, :rpc, no dynamic " +
  "apply, no network, no Hex packages.";
