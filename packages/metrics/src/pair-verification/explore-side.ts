// One side of a pair (a version of the code with a harness) searched by the
// explorer instead of run: random runs can miss a rare interleaving, a
// depth-first search over every schedule (sandboxed, single-node model,
// virtual time) does not. A failing schedule is a witness that the code can
// fail that harness; a complete search with only :ok proves it for that
// harness. Used by the scenario generator (a rare bug's evidence), by
// `verify scenario` and by the fix-bug eval's `interleavings` check.
import { explore, ExploreError, type ExploredOutcome, type JobRunner } from "@otpforge/beam";
import { randSeed } from "./run-scenario.js";

export const DEFAULT_PROOF_SCHEDULES = 500;

/** Default time limit of one search (the whole exploration is one job). */
export const DEFAULT_SEARCH_TIMEOUT_MS = 60_000;

export type SideSearch =
  | { ran: true; complete: boolean; schedules: number; failing?: ExploredOutcome }
  /** `status` is the job's (policy_violation, compile_error, timeout, ...): a refusal is not a time-out. */
  | { ran: false; why: string; status: string };

export interface SearchSideOptions {
  /**
   * Seed `:rand` at the start of every schedule. A harness that draws its
   * inputs from `:rand` otherwise draws new ones in each schedule, and the
   * search would compare schedules of different runs: a witness would not
   * replay and "complete" would not mean every interleaving of one run.
   */
  seed?: number;
  timeoutMs?: number;
}

/** Every interleaving of code + harness (up to maxSchedules); the first outcome other than :ok, if any. */
export async function searchSide(
  pool: JobRunner,
  code: string,
  harness: string,
  maxSchedules = DEFAULT_PROOF_SCHEDULES,
  options: SearchSideOptions = {},
): Promise<SideSearch> {
  try {
    const r = await explore(pool, scenarioSource(code, harness, options.seed), {
      maxSchedules,
      limits: { timeoutMs: options.timeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS },
    });
    const failing = r.outcomes.find((x) => x.outcome !== ":ok");
    return { ran: true, complete: r.complete, schedules: r.schedules, ...(failing ? { failing } : {}) };
  } catch (err) {
    if (err instanceof ExploreError)
      return {
        ran: false,
        status: err.result.status,
        why: `the explorer could not run it (${err.result.status}: ${err.result.message.slice(0, 160)})`,
      };
    throw err;
  }
}

/** The harness's own module, renamed so that a seeding Scenario can wrap it. */
const WRAPPED = "OtpforgeExplored.Scenario";

/**
 * The one script the explorer runs: the code's modules, then the harness.
 * With a seed, the harness's Scenario (every reference to it, so its own
 * nested modules and calls stay consistent) is renamed and a Scenario.run/0
 * that seeds `:rand` and calls it takes its place: the explorer allows only
 * module definitions, so no top-level line can seed the run.
 */
export function scenarioSource(code: string, harness: string, seed?: number): string {
  if (seed === undefined) return `${code}\n${harness}`;
  const wrapped = harness.replace(/(?<![\w.])Scenario(?!\w)/g, WRAPPED);
  const root = [
    "defmodule Scenario do",
    "  def run do",
    `    :rand.seed(:exsss, {${randSeed(seed).join(", ")}})`,
    `    ${WRAPPED}.run()`,
    "  end",
    "end",
    "",
  ].join("\n");
  return `${code}\n${wrapped}\n${root}`;
}
