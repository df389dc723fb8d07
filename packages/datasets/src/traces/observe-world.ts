// Runs worlds R times each on the BEAM (several worlds per job) and compares
// the runs: which answers every run agreed on, and whether the whole observed
// event log was identical.
import { z } from "zod";
import { OtpforgeError } from "@otpforge/core";
import { observerSources, TRACE_OBSERVER_PRELOAD } from "./driver-input.js";
import { renderBatchScript, type BatchItem } from "./replay.js";
import type { ElixirRunner } from "./runner.js";
import type { World } from "./world.js";

/** One observed event, as the Elixir observer exports it (terms as `inspect` text). */
export const observedEventSchema = z.object({
  type: z.enum(["init", "handle", "exit", "lost"]),
  proc: z.string(),
  seg: z.number().int(),
  cb: z.enum(["call", "cast", "info"]).optional(),
  msg: z.string().optional(),
  ok: z.boolean().optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  reply: z.string().optional(),
  reason: z.string().optional(),
  stop: z.string().optional(),
  state: z.string().optional(),
  n: z.number().int().optional(),
  bad_return: z.string().optional(),
});
export type ObservedEvent = z.infer<typeof observedEventSchema>;

const runSchema = z.object({
  answers: z.array(z.string()),
  events: z.array(observedEventSchema),
  /** Worst scheduler latency (ms) seen during the run; above MAX_LAG_MS its timing is not trusted. */
  lag: z.number().int(),
});

/** Mirrors @max_lag_ms in driver.ex: half the schedule's timing margin. */
export const MAX_LAG_MS = 15;
export type RunObservation = z.infer<typeof runSchema>;

const batchResultSchema = z.array(z.union([z.object({ runs: z.array(runSchema) }), z.object({ error: z.string() })]));

export interface WorldObservation {
  runs: RunObservation[];
  /**
   * How many runs each entry of `runs` stands for (absent: one each). An exploration reports
   * each distinct observation once, weighted by the schedules that gave it.
   */
  weights?: number[];
  /** Set when the observations come from exploring every interleaving. */
  exploration?: { model: "single-node" | "distributed"; schedules: number };
  /** Per spec: the distinct answers over all runs, sorted. */
  outcomes: string[][];
  /** Every run produced the same event log. */
  eventsAgree: boolean;
  /** Some run was delayed so much by a busy machine that timing margins may have broken. */
  lagged: boolean;
  /**
   * Some step made two supervised children die abnormally together where the
   * order in which the supervisor sees their exits changes the outcome (see
   * orderSensitive): agreeing runs prove nothing there.
   */
  orderSensitive: boolean;
}

const ORDERLY_EXITS = new Set([":normal", ":shutdown", "shutdown", "normal"]);

/**
 * A dying process sends its exit signals one by one, so when two supervised
 * children die in the same step (one because of the other, e.g. a call cycle)
 * the supervisor may see either exit first. With one_for_one and the restart
 * budget left that does not matter (both restart); when the budget runs out in
 * that step, or with one_for_all / rest_for_one, which child is restarted
 * depends on that order. Such worlds are racy even if every run agreed.
 */
export function orderSensitive(world: World, events: readonly ObservedEvent[]): boolean {
  const sup = world.supervisor;
  if (!sup) return false;
  const children = new Set(sup.children);
  const segs = new Set(events.map((e) => e.seg));
  for (const seg of segs) {
    const abnormal = events.filter((e) => e.seg === seg && e.type === "exit" && children.has(e.proc) && !ORDERLY_EXITS.has(e.reason ?? ""));
    if (abnormal.length < 2) continue;
    const supervisorExited = events.some(
      (e) => e.seg === seg && e.type === "exit" && !children.has(e.proc) && !world.processes.some((p) => p.name === e.proc),
    );
    if (supervisorExited || sup.strategy !== "one_for_one") return true;
  }
  return false;
}

/** A world (or the observer) could not be run on the BEAM: the work failed, not the input. */
export class WorldRunError extends OtpforgeError {
  constructor(message: string) {
    super("WORLD_RUN_FAILED", message, { category: "run" });
  }
}

/** Seeds of the R perturbed runs of a world. */
export function runSeeds(worldSeed: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, r) => ((worldSeed + r * 7919) % 2147483647) + 1);
}

const OBSERVER_MODULES_MARK = "@@module ";

/**
 * The observer modules compiled once per runner: compiling them takes far
 * longer than a world's run, so each batch job loads these binaries instead.
 */
const compiledObserver = new WeakMap<ElixirRunner, Promise<string>>();

export function observerBinaries(runner: ElixirRunner): Promise<string> {
  let p = compiledObserver.get(runner);
  if (!p) {
    // Compiled inside the job (sources passed as base64) so that the binaries can be returned.
    const compile = observerSources()
      .map((f) => `Code.compile_string(Base.decode64!("${Buffer.from(f.source).toString("base64")}"), "${f.name}")`)
      .join(" ++ ");
    p = runner
      .run({
        files: [],
        script: `Enum.map_join(${compile}, "\\n", fn {m, bin} -> "${OBSERVER_MODULES_MARK}#{m} #{Base.encode64(bin)}" end)`,
        timeoutMs: 60_000,
      })
      .then((r) => {
        if (!r.ok) throw new WorldRunError(`could not compile the trace observer: ${r.message}`);
        const lines = r.value.split("\n").filter((l) => l.startsWith(OBSERVER_MODULES_MARK));
        const expected = observerSources().length;
        if (lines.length !== expected) throw new WorldRunError(`the observer job returned ${lines.length} modules, expected ${expected}`);
        const loads = lines.map((l) => {
          const [mod, b64] = l.slice(OBSERVER_MODULES_MARK.length).split(" ");
          return `:code.load_binary(${mod}, ~c"${mod.replace(/^Elixir\./, "")}.ex", Base.decode64!("${b64}"))`;
        });
        return loads.join("\n") + "\n";
      });
    p.catch(() => compiledObserver.delete(runner));
    compiledObserver.set(runner, p);
  }
  return p;
}

/**
 * What a world job's script starts with to have the observer: nothing on a pool that preloads it
 * (tracePreload), else the loading of its binaries (compiled once per runner, see observerBinaries).
 */
export function observerPrelude(runner: ElixirRunner): Promise<string> {
  return runner.pool?.preloads?.includes(TRACE_OBSERVER_PRELOAD) ? Promise.resolve("") : observerBinaries(runner);
}

export async function batchJob(runner: ElixirRunner, items: readonly BatchItem[]) {
  // A run lasts about endAt plus call timeouts; leave generous room on a loaded machine.
  const budget = items.reduce((sum, it) => sum + it.seeds.length * (it.world.endAt + 1_500) + 3_000, 0);
  return { files: [], script: (await observerPrelude(runner)) + renderBatchScript(items), timeoutMs: 30_000 + budget };
}

/** Observes each world of the batch; a world that failed gives a WorldRunError in its place. */
export async function observeWorlds(runner: ElixirRunner, items: readonly BatchItem[]): Promise<Array<WorldObservation | WorldRunError>> {
  if (items.length === 0) return [];
  const result = await runner.run(await batchJob(runner, items));
  if (!result.ok) return items.map(() => new WorldRunError(result.message));
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.value);
  } catch {
    return items.map(() => new WorldRunError(`the batch job returned text that is not JSON: ${result.value.slice(0, 200)}`));
  }
  const checked = batchResultSchema.safeParse(parsed);
  if (!checked.success || checked.data.length !== items.length) {
    return items.map(
      () => new WorldRunError(`the batch job returned an unexpected shape: ${checked.success ? "wrong length" : checked.error.message}`),
    );
  }
  return checked.data.map((entry, i) => {
    if ("error" in entry) return new WorldRunError(entry.error);
    const { specs, seeds } = items[i];
    const runs = entry.runs;
    if (runs.length !== seeds.length || runs.some((r) => r.answers.length !== specs.length)) {
      return new WorldRunError(`expected ${seeds.length} runs with ${specs.length} answers each`);
    }
    const outcomes = specs.map((_, s) => [...new Set(runs.map((r) => r.answers[s]))].sort());
    const first = JSON.stringify(runs[0].events);
    return {
      runs,
      outcomes,
      eventsAgree: runs.every((r) => JSON.stringify(r.events) === first),
      lagged: runs.some((r) => r.lag > MAX_LAG_MS),
      orderSensitive: runs.some((r) => orderSensitive(items[i].world, r.events)),
    };
  });
}
