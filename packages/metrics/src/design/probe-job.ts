// Runs the design probe as one sandbox job: the skeleton (model-written) is
// compiled, then the probe script (project code) runs in the same job and
// returns its report as data. Both are under the sandbox policy: the probe
// needs nothing the policy refuses, so model code gets no trusted path (as a
// preload it is checked against the policy when the pool builds it).
import type { JobResult, JobRunner } from "@otpforge/beam";
import { OtpforgeError } from "@otpforge/core";
import { z } from "zod";
import type { DesignStatus } from "./verify-design.js";

/** The probe itself could not run: a bug in the probe or in a design problem, not a verdict on a skeleton. */
export class DesignProbeError extends OtpforgeError {
  constructor(message: string) {
    super("DESIGN_PROBE_FAILED", message);
  }
}

export const SKELETON_FILE = "skeleton.ex";
const SCRIPT_FILE = "script.exs";

const ProbeReportSchema = z.object({
  started: z.boolean(),
  startError: z.string().nullable(),
  top: z.string().nullable(),
  via: z.enum(["convention", "fallback"]).nullable(),
  tree: z.string().nullable(),
  results: z.array(z.object({ id: z.string(), kind: z.string(), pass: z.boolean(), detail: z.string() })),
});

export type ProbeReport = z.infer<typeof ProbeReportSchema>;

export type ProbeJobOutcome =
  | { kind: "report"; report: ProbeReport }
  | { kind: "failed"; status: Exclude<DesignStatus, "checked" | "empty" | "not_started">; message: string };

const PASSTHROUGH: Record<string, Exclude<DesignStatus, "checked" | "empty" | "not_started">> = {
  compile_error: "compile_error",
  policy_violation: "policy_violation",
  timeout: "timeout",
  memory_limit: "memory_limit",
  output_limit: "output_limit",
  runtime_error: "runtime_error",
  crashed: "crashed",
  vm_stopped: "vm_stopped",
};

export async function runProbeJob(pool: JobRunner, skeleton: string, script: string, timeoutMs: number): Promise<ProbeJobOutcome> {
  const r = await runJob(pool, [{ name: SKELETON_FILE, source: skeleton }], script, timeoutMs);
  if ("kind" in r) return r;
  const parsed = ProbeReportSchema.safeParse(r.valueJson);
  return parsed.success ? { kind: "report", report: parsed.data } : unexpectedValue(r);
}

/**
 * Several skeletons compiled into one job, each checked by its own probe run
 * in order (see verify-batch.ts): one report per file, or one failure for all.
 */
export async function runProbeBatchJob(
  pool: JobRunner,
  skeletons: string[],
  script: string,
  timeoutMs: number,
): Promise<{ kind: "reports"; reports: ProbeReport[] } | Extract<ProbeJobOutcome, { kind: "failed" }>> {
  const files = skeletons.map((source, i) => ({ name: `skeleton-${i + 1}.ex`, source }));
  const r = await runJob(pool, files, script, timeoutMs);
  if ("kind" in r) return r;
  const parsed = z.array(ProbeReportSchema).length(skeletons.length).safeParse(r.valueJson);
  return parsed.success ? { kind: "reports", reports: parsed.data } : unexpectedValue(r);
}

async function runJob(
  pool: JobRunner,
  files: Array<{ name: string; source: string }>,
  script: string,
  timeoutMs: number,
): Promise<JobResult | Extract<ProbeJobOutcome, { kind: "failed" }>> {
  const once = () => pool.run({ files, script, limits: { timeoutMs } });
  let r = await once();
  // A worker VM that crashed may be the machine's fault, not the skeleton's:
  // one more try; a second crash is the verdict. A VM the skeleton stopped
  // itself (vm_stopped) is its verdict at once.
  if (r.status === "crashed") r = await once();

  const scriptViolation = r.violations?.find((v) => v.file === SCRIPT_FILE);
  if (r.status === "policy_violation" && scriptViolation) {
    throw new DesignProbeError(
      `the sandbox refused the design probe itself (${scriptViolation.message}); check the design problem's function names, or report a bug`,
    );
  }
  if (r.status !== "ok") {
    const status = PASSTHROUGH[r.status] ?? "crashed";
    const prefix = status === "runtime_error" ? "the skeleton broke the check run: " : "";
    return { kind: "failed", status, message: prefix + r.message };
  }
  return r;
}

function unexpectedValue(r: JobResult): Extract<ProbeJobOutcome, { kind: "failed" }> {
  return {
    kind: "failed",
    status: "runtime_error",
    message: `the design probe returned an unexpected value (${(r.value ?? "").slice(0, 200)})`,
  };
}
