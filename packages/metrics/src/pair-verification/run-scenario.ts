// One run of a harness against one version of the code: a fresh pool job
// that compiles the code and the harness and calls Scenario.run/0.
import { checkPolicy as sharedCheckPolicy, type JobResult, type PolicyResult } from "@otpforge/beam";
import type { RunOutcome } from "./types.js";

/** The part of a pool these functions use (a real pool, or a test's wrapper around one). */
export interface PoolLike {
  run(job: {
    files?: Array<{ name: string; source: string }>;
    script?: string;
    call?: { module: string; fun: string; args?: unknown[] };
    limits?: { timeoutMs?: number; maxHeapBytes?: number; maxProcesses?: number; maxOutputBytes?: number };
    trusted?: boolean;
  }): Promise<JobResult>;
  /** The pool's static policy check (a Pool has one); without it the beam package's shared checker is used. */
  checkPolicy?(source: string | Array<{ name: string; source: string }>): Promise<PolicyResult>;
  /** One tenant VM for a program's K runs (a Pool has it); without it every run is a job of its own. */
  submission?(): { run: PoolLike["run"]; close(): Promise<void> };
}

/**
 * The static policy on one source. A source that does not parse is not a
 * policy matter: that is left to compilation, which reports it as a compile
 * error of the right file.
 */
export async function policyOf(pool: PoolLike, name: string, source: string): Promise<PolicyResult> {
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

export interface RunLimits {
  timeoutMs: number;
}

/** Runs Scenario.run/0 once; `:ok` passes, anything else (error tuple, raise, exit, timeout, limit) fails. */
export async function runScenario(pool: PoolLike, code: string, harness: string, run: number, limits: RunLimits): Promise<{ outcome: RunOutcome; job: JobResult }> {
  const once = () =>
    pool.run({
      files: [
        { name: CODE_FILE, source: code },
        { name: HARNESS_FILE, source: harness },
      ],
      call: { module: "Scenario", fun: "run", args: [] },
      limits: { timeoutMs: limits.timeoutMs },
    });
  let job = await once();
  // A worker VM that crashed may be the machine's fault, not the code's: one
  // more try; a second crash counts as the run's failure. A VM stopped by the
  // code itself (vm_stopped) is the run's failure at once.
  const retried = job.status === "crashed";
  if (retried) job = await once();
  const passed = job.status === "ok" && job.value?.trim() === ":ok";
  const outcome: RunOutcome = { run, passed, status: job.status, durationMs: job.durationMs, ...(retried ? { retried } : {}) };
  if (!passed) outcome.detail = describeFailure(job);
  return { outcome, job };
}

/** Compiles the code alone (no call): tells a broken code file from a broken harness. */
export async function compileOnly(pool: PoolLike, code: string, limits: RunLimits): Promise<JobResult> {
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
