// Runs a harness K times against one version of the code: the building block
// of pair verification (once per side) and of the fix-bug eval (the
// candidate fix against the held-out harness).
import type { JobRunner } from "@otpforge/beam";
import { CODE_FILE, compileOnly, HARNESS_FILE, policyOf, runScenario, type RunLimits, type RunSetup } from "./run-scenario.js";
import type { RunOutcome, Side, SideReport } from "./types.js";

export interface CheckVersionOptions {
  pool: JobRunner;
  runs: number;
  timeoutMs: number;
  /** Which side this is (labels the report). Default "fixed". */
  side?: Side;
  /** Skip the static policy check (the caller already did it). */
  policyChecked?: boolean;
  /** Called after the first run succeeded in compiling; return false to skip the remaining runs. */
  afterFirstRun?: () => Promise<boolean>;
  onRun?: (outcome: RunOutcome) => void;
  /**
   * Seeded runs: run i (from 1) gets seed `seedBase + i`; `support` and
   * `strayCheck` as in RunSetup. Without it, runs are plain Scenario.run/0 calls.
   */
  seeded?: { seedBase: number; support?: string; strayCheck?: boolean };
}

/**
 * Policy, then one run (which compiles), then the other K - 1 runs. The runs
 * are one submission: one fresh VM for this version of the code, discarded
 * after its K runs, so nothing it did reaches another program's runs.
 */
export async function checkVersion(code: string, harness: string, options: CheckVersionOptions): Promise<SideReport> {
  const tenant = options.pool.submission?.();
  if (!tenant) return checkVersionOn(options.pool, code, harness, options);
  const pool: JobRunner = {
    run: (job) => tenant.run(job),
    ...(options.pool.checkPolicy ? { checkPolicy: options.pool.checkPolicy.bind(options.pool) } : {}),
  };
  try {
    return await checkVersionOn(pool, code, harness, options);
  } finally {
    await tenant.close();
  }
}

async function checkVersionOn(pool: JobRunner, code: string, harness: string, options: CheckVersionOptions): Promise<SideReport> {
  const report: SideReport = { side: options.side ?? "fixed", runs: 0, failures: 0, failureRate: 0, outcomes: [] };
  const limits: RunLimits = { timeoutMs: options.timeoutMs };

  if (!options.policyChecked) {
    const [pCode, pHarness] = await Promise.all([policyOf(pool, CODE_FILE, code), policyOf(pool, HARNESS_FILE, harness)]);
    if (!pCode.ok) return { ...report, problem: { kind: "policy_violation", file: "code", message: violationText(pCode.violations) } };
    if (!pHarness.ok)
      return { ...report, problem: { kind: "policy_violation", file: "harness", message: violationText(pHarness.violations) } };
  }

  const record = (outcome: RunOutcome) => {
    report.outcomes.push(outcome);
    report.runs++;
    if (!outcome.passed) report.failures++;
    options.onRun?.(outcome);
  };

  const setup = (run: number): RunSetup =>
    options.seeded
      ? {
          seed: options.seeded.seedBase + run,
          ...(options.seeded.support ? { support: options.seeded.support } : {}),
          ...(options.seeded.strayCheck ? { strayCheck: true } : {}),
        }
      : {};
  const first = await runScenario(pool, code, harness, 1, limits, setup(1));
  if (first.job.status === "policy_violation") {
    // The pool's own check can be stricter than the static one (e.g. at compile time).
    const file = (await compileOnly(pool, code, limits)).status === "policy_violation" ? "code" : "harness";
    return { ...report, problem: { kind: "policy_violation", file, message: first.job.message } };
  }
  if (first.job.status === "compile_error") {
    const alone = await compileOnly(pool, code, limits);
    return alone.status === "ok"
      ? { ...report, problem: { kind: "compile_error", file: "harness", message: first.job.message } }
      : { ...report, problem: { kind: "compile_error", file: "code", message: alone.message } };
  }
  record(first.outcome);

  if (options.runs > 1 && (!options.afterFirstRun || (await options.afterFirstRun()))) {
    await Promise.all(
      Array.from({ length: options.runs - 1 }, (_, i) =>
        runScenario(pool, code, harness, i + 2, limits, setup(i + 2)).then(({ outcome }) => record(outcome)),
      ),
    );
    report.outcomes.sort((a, b) => a.run - b.run);
  }
  report.failureRate = report.runs ? report.failures / report.runs : 0;
  return report;
}

export function violationText(violations: ReadonlyArray<{ message: string; line?: number | undefined }>): string {
  return violations.map((v) => (v.line ? `line ${v.line}: ${v.message}` : v.message)).join("; ");
}
