// Systematic exploration of a scenario's interleavings on the BEAM. The
// scenario (a .exs that defines Scenario.run/0, the harness convention) is
// checked by the sandbox's policy as written, rewritten so that each process
// stops at every point where concurrency can change the outcome, and run
// once per schedule in a fresh sandboxed VM, depth first over the choices,
// with virtual time. The result lists every outcome reached (inspect text of
// Scenario.run/0's value, or "deadlock"), how many schedules reached it and a
// witness schedule that replays to it.
import type { JobRunner } from "./job-runner.js";
import type { DeliveryModel, ExploreJobOptions, JobResult, Limits } from "./types.js";

export type { DeliveryModel };

export interface ExploreOptions extends ExploreJobOptions {
  /** Job limits; the default time limit is 60 s (an exploration runs many schedules). */
  limits?: Limits;
}

export interface ExploredOutcome {
  /** Scenario.run/0's value as `inspect` prints it, "** (kind) ..." when it raised, or "deadlock". */
  outcome: string;
  /** Schedules that ended in this outcome (absent on a replay). */
  schedules?: number;
  /** The choices (indexes into each step's sorted enabled processes) that replay to this outcome. */
  witness: number[];
  /** The witness in words, one line per choice (`main.1 casts {:add, 1} to Counter`). */
  steps: string[];
  /** For a deadlock: every process of the run and the function it waits in. */
  blocked?: Array<{ process: string; waitsIn: string }>;
  /** The schedule hit maxSteps before it ended. */
  cut?: boolean;
}

export interface ExploreResult {
  model: DeliveryModel;
  /** True only when every schedule was run to its end (no bound cut anything). */
  complete: boolean;
  /** Schedules run to their end. */
  schedules: number;
  /** Schedules stopped early because every step they could take only reordered commuting steps already explored. */
  pruned: number;
  cut: { schedulesLimit: boolean; stepsLimit: number };
  outcomes: ExploredOutcome[];
  /** Time the search took inside the VM (not its boot, compile or the round trip), ms. */
  elapsedMs: number;
  /** With options.oneRun: Scenario.run/0's value in one run on the real scheduler (inspect text, "** (kind) ..." if it raised, "timeout"). */
  oneRun?: string;
}

/** The scenario did not compile, broke the policy, or the exploration itself failed. */
export class ExploreError extends Error {
  readonly code = "EXPLORE_FAILED";
  readonly category = "input" as const;
  constructor(readonly result: JobResult) {
    super(`the scenario could not be explored: ${result.status}: ${result.message}`);
    this.name = "ExploreError";
  }
}

/** Explores every interleaving of `source`'s Scenario.run/0 (bounded by maxSchedules / maxSteps). */
export async function explore(pool: JobRunner, source: string, options: ExploreOptions = {}): Promise<ExploreResult> {
  const { limits, ...explore } = options;
  const result = await pool.run({ script: source, explore, limits: { timeoutMs: 60_000, ...limits } });
  if (result.status !== "ok" || !result.valueJson || typeof result.valueJson !== "object") throw new ExploreError(result);
  return result.valueJson as ExploreResult;
}

/** Replays one witness: the outcome that schedule reaches, with its steps in words. */
export async function replay(
  pool: JobRunner,
  source: string,
  witness: number[],
  options: Omit<ExploreOptions, "replay"> = {},
): Promise<ExploredOutcome> {
  const r = (await explore(pool, source, { ...options, replay: witness })) as unknown as ExploredOutcome;
  return r;
}
