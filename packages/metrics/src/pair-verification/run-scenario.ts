// One run of a harness against one version of the code: a fresh pool job
// that compiles the code and the harness and calls Scenario.run/0.
import { checkPolicy as sharedCheckPolicy, type JobResult, type JobRunner, type PolicyResult } from "@otpforge/beam";
import type { RunOutcome } from "./types.js";

/**
 * The static policy on one source. A source that does not parse is not a
 * policy matter: that is left to compilation, which reports it as a compile
 * error of the right file.
 */
export async function policyOf(pool: JobRunner, name: string, source: string): Promise<PolicyResult> {
  const files = [{ name, source }];
  const result = pool.checkPolicy ? await pool.checkPolicy(files) : await sharedCheckPolicy(files);
  if (result.ok) return result;
  // The checker marks a source it cannot parse with a single line-0 entry.
  if ((result as { syntaxError?: boolean }).syntaxError) return { ok: true };
  const violations = result.violations.filter((v) => v.line !== 0);
  return violations.length ? { ok: false, violations } : { ok: true };
}

export const CODE_FILE = "code.ex";
export const HARNESS_FILE = "harness.exs";

export const SUPPORT_FILE = "fix_bug_suite.ex";

export interface RunLimits {
  timeoutMs: number;
}

/**
 * How a run is set up beyond "call Scenario.run/0": `:rand` seeded (the
 * harness's and the suite's inputs then depend on the seed, and the same seed
 * replays them), and the run wrapped in `FixBugSuite.run/1` (given as
 * `support`), which after an `:ok` checks that no stray process is left.
 */
export interface RunSetup {
  seed?: number;
  /** The FixBugSuite module's source; compiled between the code and the harness. */
  support?: string;
  /** Wrap the run in FixBugSuite.run/1 (needs `support`). */
  strayCheck?: boolean;
}

/** The three integers `:rand.seed(:exsss, ...)` gets for a seed. */
export function randSeed(seed: number): [number, number, number] {
  const s = Math.abs(Math.trunc(seed)) % 2 ** 30;
  return [s + 1, (s * 7 + 11) % 2 ** 30, (s * 13 + 17) % 2 ** 30];
}

/** Runs Scenario.run/0 once; `:ok` passes, anything else (error tuple, raise, exit, timeout, limit) fails. */
export async function runScenario(
  pool: JobRunner,
  code: string,
  harness: string,
  run: number,
  limits: RunLimits,
  setup: RunSetup = {},
): Promise<{ outcome: RunOutcome; job: JobResult }> {
  const files = [
    { name: CODE_FILE, source: code },
    ...(setup.support ? [{ name: SUPPORT_FILE, source: setup.support }] : []),
    { name: HARNESS_FILE, source: harness },
  ];
  const plain = setup.seed === undefined && !setup.strayCheck;
  const script = () => {
    const lines = [];
    if (setup.seed !== undefined) lines.push(`:rand.seed(:exsss, {${randSeed(setup.seed).join(", ")}})`);
    lines.push(setup.strayCheck && setup.support ? "FixBugSuite.run(fn -> Scenario.run() end)" : "Scenario.run()");
    return lines.join("\n") + "\n";
  };
  const once = () =>
    pool.run({
      files,
      ...(plain ? { call: { module: "Scenario", fun: "run", args: [] } } : { script: script() }),
      limits: { timeoutMs: limits.timeoutMs },
    });
  let job = await once();
  // A worker VM that crashed may be the machine's fault, not the code's: one
  // more try; a second crash counts as the run's failure. A VM stopped by the
  // code itself (vm_stopped) is the run's failure at once.
  const retried = job.status === "crashed";
  if (retried) job = await once();
  const passed = job.status === "ok" && job.value?.trim() === ":ok";
  const outcome: RunOutcome = {
    run,
    passed,
    status: job.status,
    durationMs: job.durationMs,
    ...(setup.seed !== undefined ? { seed: setup.seed } : {}),
    ...(retried ? { retried } : {}),
  };
  if (!passed) outcome.detail = describeFailure(job);
  return { outcome, job };
}

/** Compiles the code alone (no call): tells a broken code file from a broken harness. */
export async function compileOnly(pool: JobRunner, code: string, limits: RunLimits): Promise<JobResult> {
  return pool.run({ files: [{ name: CODE_FILE, source: code }], limits: { timeoutMs: limits.timeoutMs } });
}

export function describeFailure(job: JobResult): string {
  if (job.status === "ok") return `Scenario.run/0 returned ${oneLine(job.value ?? "nothing")}`;
  return `${job.status}: ${oneLine(job.message ?? "")}`;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
