// The Elixir side of a world run: the driver/observer sources shipped with this
// package, the world as an Elixir term the driver reads, and question specs.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderLit } from "@otpforge/otp-signatures";
import type { QuestionSpec } from "./questions/spec.js";
import { SUPERVISOR_MODULE } from "./render-code.js";
import type { World } from "./world.js";

const elixirDir = join(dirname(fileURLToPath(import.meta.url)), "elixir");

let cached: Array<{ name: string; source: string }> | undefined;

/**
 * TraceWorld.Driver and TraceWorld.Observe (the observation code every run and
 * every replay uses), plus TraceWorld.Batch and TraceWorld.Explored (generator
 * jobs only: perturbed runs, and runs under the explorer; they encode their
 * results with the worker's OtpForge.JSON).
 */
export function observerSources(): Array<{ name: string; source: string }> {
  cached ??= ["driver.ex", "observe.ex", "batch.ex", "explored.ex"].map((f) => ({ name: f, source: readFileSync(join(elixirDir, f), "utf8") }));
  return cached;
}

/** The sources a replay script embeds. */
export function replaySources(): Array<{ name: string; source: string }> {
  return observerSources().filter((s) => s.name === "driver.ex" || s.name === "observe.ex");
}

/** The world as the Elixir map `TraceWorld.Driver` plays. */
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
