// Checks jobs before they reach a worker and turns worker replies into JobResults.
import { InvalidJobError } from "./errors.js";
import type { JobResult, Job, PolicyViolation, Verdict } from "./types.js";
import { VERDICTS } from "./types.js";
import type { WorkerCompromised, WorkerExit } from "./worker.js";

/** The longest job time limit (a day): well inside what one Node timer can wait. */
export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export function validateJob(job: Job): void {
  if (!job || typeof job !== "object") throw new InvalidJobError("a job must be an object with files, script or call");
  if (job.files !== undefined) {
    if (!Array.isArray(job.files)) throw new InvalidJobError("files must be an array of { name, source }");
    job.files.forEach((f, i) => {
      if (!f || typeof f.name !== "string" || typeof f.source !== "string")
        throw new InvalidJobError(`files[${i}] must be { name: string, source: string }`);
    });
  }
  if (job.script !== undefined && typeof job.script !== "string") throw new InvalidJobError("script must be a string of Elixir source");
  if (job.call !== undefined) {
    const c = job.call;
    if (!c || typeof c.module !== "string" || typeof c.fun !== "string")
      throw new InvalidJobError('call must be { module: "Counter", fun: "run", args?: [...] }');
    if (c.args !== undefined && !Array.isArray(c.args)) throw new InvalidJobError("call.args must be an array of JSON values");
  }
  // Removed after 0.2.0; a JavaScript caller would otherwise wait for a trace that never comes.
  if ((job as { trace?: unknown }).trace !== undefined) {
    throw new InvalidJobError(
      "job.trace was removed after 0.2.0; explore() gives a system's possible outcomes, @otpforge/datasets' trace generator its message timelines",
    );
  }
  if (!job.files?.length && job.script === undefined && job.call === undefined)
    throw new InvalidJobError("nothing to run: give files, a script or a call");
  if (job.explore !== undefined) {
    const e = job.explore;
    if (!e || typeof e !== "object") throw new InvalidJobError("explore must be an object: { maxSchedules?, maxSteps?, replay? }");
    for (const k of ["maxSchedules", "maxSteps"] as const) {
      if (e[k] !== undefined && !(Number.isInteger(e[k]) && e[k]! > 0 && e[k]! <= 1_000_000))
        throw new InvalidJobError(`explore.${k} must be an integer from 1 to 1000000`);
    }
    if (e.replay !== undefined && !(Array.isArray(e.replay) && e.replay.every((i) => Number.isInteger(i) && i >= 0))) {
      throw new InvalidJobError("explore.replay must be a witness: an array of choice indexes (integers >= 0)");
    }
    if (e.reduction !== undefined && e.reduction !== "sleep-sets" && e.reduction !== "none")
      throw new InvalidJobError('explore.reduction must be "sleep-sets" or "none"');
    if (job.script === undefined) throw new InvalidJobError("explore needs the scenario as the job's script (it defines Scenario.run/0)");
  }
  for (const [k, v] of Object.entries(job.limits ?? {})) {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v <= 0))
      throw new InvalidJobError(`limits.${k} must be a positive number, got ${String(v)}`);
    // Node's timers hold at most 2^31-1 ms; the pool waits timeoutMs plus a grace period.
    if (k === "timeoutMs" && v > MAX_TIMEOUT_MS)
      throw new InvalidJobError(`limits.timeoutMs must be at most ${MAX_TIMEOUT_MS} (a day), got ${String(v)}`);
  }
}

export function toJobResult(raw: Record<string, unknown>): JobResult {
  const status = (VERDICTS as readonly string[]).includes(raw.status as string) ? (raw.status as Verdict) : "crashed";
  const r: JobResult = {
    status,
    message: String(raw.message ?? status),
    stdout: String(raw.stdout ?? ""),
    stderr: String(raw.stderr ?? ""),
    durationMs: typeof raw.durationMs === "number" ? Math.round(raw.durationMs * 1000) / 1000 : 0,
  };
  if (typeof raw.value === "string") r.value = raw.value;
  if ("valueJson" in raw) r.valueJson = raw.valueJson;
  if (Array.isArray(raw.violations)) r.violations = raw.violations as PolicyViolation[];
  return r;
}

/** Code in the VM wrote to the result channel: whatever it claimed, the verdict is a violation. */
export function verdictForCompromisedWorker(e: WorkerCompromised, printed: string, durationMs: number): JobResult {
  return {
    status: "policy_violation",
    message: `the job wrote to the worker's result channel, trying to forge its verdict (${e.detail}); nothing it reported was kept and its VM was discarded`,
    stdout: "",
    stderr: printed,
    durationMs,
    violations: [{ message: "writing to the worker's result channel is not allowed in sandboxed code", line: 0 }],
  };
}

/**
 * The worker VM died during the job. Under untrusted code the job stopped it
 * (`vm_stopped`: its own verdict, not worth a retry); under trusted code it
 * crashed (`crashed`). Out of memory is `memory_limit` either way.
 */
export function verdictForDeadWorker(exit: WorkerExit, durationMs: number, untrusted = false): JobResult {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const lastLine = exit.tail.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
  const oom = /cannot allocate|eheap_alloc|binary_alloc|out of memory/i.test(exit.tail);
  if (oom) {
    return {
      status: "memory_limit",
      message: `the worker VM ran out of memory during the job (${how}): ${lastLine.slice(0, 200)}; it was replaced`,
      stdout: "",
      stderr: exit.tail,
      durationMs,
    };
  }
  if (untrusted) {
    return {
      status: "vm_stopped",
      message: `the job stopped its VM (${how})${lastLine ? `: ${lastLine.slice(0, 200)}` : ""}; the VM was discarded`,
      stdout: "",
      stderr: exit.tail,
      durationMs,
    };
  }
  return {
    status: "crashed",
    message: `the worker VM died during the job (${how})${lastLine ? `: ${lastLine.slice(0, 200)}` : ""}; it was replaced`,
    stdout: "",
    stderr: exit.tail,
    durationMs,
  };
}
