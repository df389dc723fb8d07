// The Elixir side of a world run: the driver/observer sources shipped with this
// package, the world as an Elixir term the driver reads, and question specs.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderLit } from "@otpforge/otp-signatures";
import type { Preload } from "@otpforge/beam";
import type { QuestionSpec } from "./questions/spec.js";
import { SUPERVISOR_MODULE } from "./render-code.js";
import type { World } from "./world.js";

// The package's Elixir lives in priv/traces/ (one level above both src/ and dist/).
const elixirDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "priv", "traces");

let cached: Array<{ name: string; source: string }> | undefined;

/**
 * OtpForge.Trace.Driver and OtpForge.Trace.Observe (the observation code every run and
 * every replay uses), plus OtpForge.Trace.Batch and OtpForge.Trace.Explored (generator
 * jobs only: perturbed runs, and runs under the explorer; they encode their
 * results with the worker's OtpForge.JSON).
 */
export function observerSources(): Array<{ name: string; source: string }> {
  cached ??= ["driver.ex", "observe.ex", "batch.ex", "explored.ex"].map((f) => ({
    name: f,
    source: readFileSync(join(elixirDir, f), "utf8"),
  }));
  return cached;
}

/** The name of the trace observer's preload (see tracePreload). */
export const TRACE_OBSERVER_PRELOAD = "otpforge.trace-observer";

/**
 * The observer as a preload for createPool({ preload: [tracePreload()] }): every world job then
 * calls it without loading it. It is trusted (it traces processes and compiles and purges the
 * world's modules, which the sandbox refuses), so only trusted jobs can call it, as only they do
 * today. Under the explorer it is not controlled code in either form: a world job's controlled
 * files are its world modules, and the observer runs as written beside them.
 */
export function tracePreload(): Preload {
  return { name: TRACE_OBSERVER_PRELOAD, files: observerSources(), access: "trusted" };
}

/** The sources a replay script embeds. */
export function replaySources(): Array<{ name: string; source: string }> {
  return observerSources().filter((s) => s.name === "driver.ex" || s.name === "observe.ex");
}

/** The world as the Elixir map `OtpForge.Trace.Driver` plays. */
export function renderWorldTerm(world: World): string {
  const names = world.processes.map((p) => p.name);
  const initial = world.processes.map((p) => `${p.name} => ${renderLit(p.initial)}`).join(", ");
  const steps = world.schedule.map((s) => {
    const msg = s.op === "kill" ? "nil" : renderLit(s.msg);
    const via = s.op === "kill" ? "name" : s.via;
    return `    {${s.at}, :${s.op}, ${s.target}, :${via}, ${msg}, ${s.wait}}`;
  });
  return [
    "%{",
    `  names: [${names.join(", ")}],`,
    `  supervisor: ${world.supervisor ? SUPERVISOR_MODULE : "nil"},`,
    `  supervised: [${(world.supervisor?.children ?? []).join(", ")}],`,
    `  initial: %{${initial}},`,
    "  steps: [",
    steps.join(",\n"),
    "  ],",
    `  end_at: ${world.endAt}`,
    "}",
  ].join("\n");
}

export function renderSpec(spec: QuestionSpec): string {
  switch (spec.family) {
    case "final_state":
      return `{:final_state, ${spec.proc}}`;
    case "call_result":
      return `{:call_result, ${spec.step}}`;
    case "message_fate":
      return `{:fate, ${spec.proc}, ${renderLit(spec.msg)}}`;
    case "restart_count":
      return `{:restarts, ${spec.proc}}`;
    case "handling_order":
      return `{:order, ${spec.proc}}`;
    case "alive_at_end":
      return ":alive";
    case "next_handled":
      return `{:next_handled, ${spec.proc}, ${spec.afterStep}}`;
  }
}
