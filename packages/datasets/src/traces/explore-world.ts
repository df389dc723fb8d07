// Observes a world under @otpforge/beam's explorer instead of in perturbed
// real-time runs: the world's modules are the job's controlled files (every
// send, cast, call and callback of theirs is a choice point), System is the
// trusted driver with a virtual clock (OtpForge.Trace.Explored), and each
// schedule's outcome is that run's whole observation. Every schedule giving the
// same observation proves the world deterministic; no timing margin or busy
// machine can change which worlds are kept.
import { z } from "zod";
import { renderSpec, renderWorldTerm } from "./driver-input.js";
import {
  observerPrelude,
  observedEventSchema,
  orderSensitive,
  WorldRunError,
  type RunObservation,
  type WorldObservation,
} from "./observe-world.js";
import type { BatchItem } from "./replay.js";
import { renderModules } from "./render-code.js";
import type { ElixirRunner } from "./runner.js";

/** Bounds of one world's exploration: past them the world is dropped (counted as incomplete). */
export interface WorldExploreBounds {
  maxSchedules: number;
  maxSteps: number;
}

export const DEFAULT_WORLD_BOUNDS: WorldExploreBounds = { maxSchedules: 200, maxSteps: 400 };

/** The exploration was cut by a bound: the world's outcomes are not known completely. */
export class WorldIncompleteError extends WorldRunError {
  constructor(message: string) {
    super(message);
    this.name = "WorldIncompleteError";
  }
}

const exploreResultSchema = z.object({
  model: z.enum(["single-node", "distributed"]),
  complete: z.boolean(),
  schedules: z.number().int(),
  outcomes: z.array(z.object({ outcome: z.string(), schedules: z.number().int().optional(), cut: z.boolean().optional() })),
});

const observationSchema = z.object({ answers: z.array(z.string()), events: z.array(observedEventSchema) });

export type ExploredWorld = WorldObservation & Required<Pick<WorldObservation, "weights" | "exploration">>;

function moduleFile(name: string): string {
  return `world_${name.replace(/\W/g, "_")}.ex`;
}

export async function exploreJob(runner: ElixirRunner, item: BatchItem, bounds: WorldExploreBounds) {
  const modules = renderModules(item.world).map((m) => ({ name: moduleFile(m.name), source: m.source }));
  const script = [
    await observerPrelude(runner),
    // Crash reports are expected here (many per exploration); the worker restores the level after the job.
    "Logger.configure(level: :none)",
    "",
    "defmodule Scenario do",
    "  def run do",
    `    world = ${renderWorldTerm(item.world).split("\n").join("\n    ")}`,
    `    OtpForge.Trace.Explored.run(world, [${item.specs.map(renderSpec).join(", ")}])`,
    "  end",
    "end",
    "",
  ].join("\n");
  return { files: modules, script, controlled: modules.map((m) => m.name), ...bounds, timeoutMs: 60_000 };
}

/** Explores one world; a failure (or an incomplete search) comes back as a WorldRunError in its place. */
export async function exploreWorld(
  runner: ElixirRunner,
  item: BatchItem,
  bounds: WorldExploreBounds = DEFAULT_WORLD_BOUNDS,
): Promise<ExploredWorld | WorldRunError> {
  if (!runner.explore) return new WorldRunError("this runner cannot explore interleavings (a plain `elixir` runner); use the BEAM pool");
  const result = await runner.explore(await exploreJob(runner, item, bounds));
  if (!result.ok) return new WorldRunError(result.message);
  const parsed = exploreResultSchema.safeParse(result.value);
  if (!parsed.success) return new WorldRunError(`the exploration returned an unexpected shape: ${parsed.error.message.slice(0, 200)}`);
  const r = parsed.data;
  if (!r.complete) return new WorldIncompleteError(`the exploration was cut after ${r.schedules} schedules`);
  const runs: RunObservation[] = [];
  for (const o of r.outcomes) {
    // Scenario.run/0's value is a list of base64 pieces, which the explorer reports as inspect prints it.
    const text = /^\[("[A-Za-z0-9+/=]*"(, "[A-Za-z0-9+/=]*")*)\]$/.exec(o.outcome);
    if (!text) return new WorldRunError(`a schedule did not end with an observation: ${o.outcome.slice(0, 300)}`);
    const base64 = text[1].replace(/[", ]/g, "").replace(/=+$/, "");
    const obs = observationSchema.safeParse(JSON.parse(Buffer.from(base64, "base64").toString("utf8")));
    if (!obs.success || obs.data.answers.length !== item.specs.length)
      return new WorldRunError("a schedule's observation has an unexpected shape");
    runs.push({ ...obs.data, lag: 0 });
  }
  if (runs.length === 0) return new WorldRunError("the exploration reached no outcome");
  const outcomes = item.specs.map((_, s) => [...new Set(runs.map((run) => run.answers[s]))].sort());
  return {
    runs,
    outcomes,
    eventsAgree: runs.length === 1,
    lagged: false,
    orderSensitive: runs.some((run) => orderSensitive(item.world, run.events)),
    weights: r.outcomes.map((o) => o.schedules ?? 0),
    exploration: { schedules: r.schedules, model: r.model },
  };
}
