// The shapes of @otpforge/beam's public API: jobs, limits, verdicts.
import type { Preload } from "./preload.js";

/** How a job ended. Verdicts are data, never exceptions. */
export type Verdict =
  | "ok"
  | "compile_error"
  | "runtime_error"
  | "policy_violation"
  | "timeout"
  | "memory_limit"
  | "output_limit"
  | "crashed"
  /** Untrusted code stopped its own VM (halt, killed a runtime process...). Never retried. */
  | "vm_stopped";

export const VERDICTS: readonly Verdict[] = [
  "ok",
  "compile_error",
  "runtime_error",
  "policy_violation",
  "timeout",
  "memory_limit",
  "output_limit",
  "crashed",
  "vm_stopped",
];

export interface Limits {
  /** Wall-clock time for compile + run. Default 10 000 ms. */
  timeoutMs?: number;
  /** Heap of any one process; a process over it is killed (memory_limit). Default 256 MB. */
  maxHeapBytes?: number;
  /** Live processes the job may have at once (runtime_error "system_limit"). Default 10 000. */
  maxProcesses?: number;
  /** Captured stdout (and, separately, stderr); more is truncated with a marker (output_limit). Default 1 MB. */
  maxOutputBytes?: number;
  /** Growth of the worker VM's memory during the job (binaries included) (memory_limit). Default 1 GB. */
  maxMemoryBytes?: number;
}

export interface SourceFile {
  /** File name used in error messages, e.g. "counter.ex". */
  name: string;
  source: string;
}

export interface Job {
  /** .ex sources: policy-checked, then compiled in order. */
  files?: SourceFile[];
  /** .exs source evaluated after the files; its value is the job's value. */
  script?: string;
  /** Calls Module.fun(args) after the script; its result is the job's value. Args are JSON values. */
  call?: { module: string; fun: string; args?: unknown[] };
  limits?: Limits;
  /** Project-generated code: skip the static policy (and its runtime guards); limits still apply. */
  trusted?: boolean;
  /** Explore the interleavings of the script's `Scenario.run/0` instead of running it once (see explore.ts). */
  explore?: ExploreJobOptions;
}

/** What the explorer of a job is asked to do (see the README's "Exploring interleavings"). */
export interface ExploreJobOptions {
  /** Schedules run at most; past it the result says complete: false. Default 2000. */
  maxSchedules?: number;
  /** Choices one schedule may take at most (a run past it is cut). Default 500. */
  maxSteps?: number;
  /** Run exactly this schedule (a witness) instead of searching. */
  replay?: number[];
  /** "sleep-sets" (default): never explore two orders of commuting steps; "none": every choice sequence. */
  reduction?: "sleep-sets" | "none";
  /**
   * "single-node" (default): a message arrives the moment it is sent. "distributed": messages stay
   * in flight until the scheduler delivers them, in order per sender and receiver (a :DOWN behind
   * the dead process's messages), as between nodes.
   */
  model?: DeliveryModel;
  /**
   * Trusted jobs only: the files (by name) whose code the explorer controls. They pass the policy
   * as untrusted code does and are rewritten; the job's other files and script run as written
   * (the trace generator's observer around a world). Untrusted jobs: every file is controlled.
   */
  controlled?: string[];
  /**
   * Before exploring, run Scenario.run/0 once on the real scheduler, with this time limit (ms):
   * the result's `oneRun` is what that single run showed ("timeout" when it did not return).
   */
  oneRun?: number;
}

/** How messages travel in an exploration (see ExploreJobOptions.model). */
export type DeliveryModel = "single-node" | "distributed";

export interface PolicyViolation {
  message: string;
  line: number;
  file?: string;
}

export type PolicyResult = { ok: true } | { ok: false; violations: PolicyViolation[] };

export interface JobResult {
  status: Verdict;
  /** One line a person can act on. */
  message: string;
  stdout: string;
  stderr: string;
  /** Time spent in the worker on this job (policy, compile, run, cleanup excluded). */
  durationMs: number;
  /** Elixir `inspect` of the value (status ok only). */
  value?: string;
  /** The value as JSON when it is JSON-like (see README); absent otherwise. */
  valueJson?: unknown;
  /** Policy violations (status policy_violation from the static check). */
  violations?: PolicyViolation[];
  /** Which VM of the pool ran the job (a number never given to another VM): shows tenancy. */
  vm?: number;
}

export interface PoolOptions {
  /**
   * Trusted modules compiled once (cached per source hash) and loaded in every worker VM, so jobs
   * call them without shipping them (see preload.ts and the README's "Preloads"). Jobs may not
   * define, redefine or shadow them.
   */
  preload?: Preload[];
  /** Worker VMs. Default: the number of cores. */
  size?: number;
  /** A worker is replaced after this many jobs. Default 500. */
  maxJobsPerWorker?: number;
  /** Limits for jobs that do not set their own. */
  defaultLimits?: Limits;
  /** Extra time Node waits beyond a job's timeout before it kills the worker. Default 5000 ms. */
  graceMs?: number;
  /** Called once per process with notices (e.g. network isolation unavailable). Default: stderr. */
  onNotice?: (message: string) => void;
  /**
   * OS isolation. By default every layer the host allows; untrusted jobs are
   * refused (IsolationUnavailableError) when the host offers no sandbox, unless
   * `unsafeNoIsolation` says the user accepts running model code unconfined.
   * `network`/`dropPrivileges` false turn single layers off (tests of the fallbacks).
   */
  isolation?: { network?: boolean; dropPrivileges?: boolean; sandbox?: boolean; unsafeNoIsolation?: boolean };
}

/** One tenant of the pool: jobs run in order in one fresh VM, discarded by close(). */
export interface Submission {
  run(job: Job): Promise<JobResult>;
  /** Waits for the submission's jobs, then discards its VM. */
  close(): Promise<void>;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
  jobsRun: number;
  workersStarted: number;
  workersReplaced: number;
  /** Untrusted submissions started (each had, or has, a VM of its own). */
  submissions: number;
}
