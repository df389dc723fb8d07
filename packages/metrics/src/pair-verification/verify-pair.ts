// Pair verification: a bug/fix pair is valid only when, under the sandbox
// policy, both versions compile, the harness fails on the buggy version in at
// least one of K runs and passes on the fixed version in all K runs; and, when
// the pair has a pass-to-pass suite, the suite passes in all K seeded runs of
// both versions (with no stray process left), so it tests only what already
// worked.
import { withPool, type JobRunner } from "@otpforge/beam";
import { OtpforgeError } from "@otpforge/core";
import { FIX_BUG_SUITE_SUPPORT } from "@otpforge/otp-signatures";
import { checkVersion, violationText } from "./check-version.js";
import { policyOf } from "./run-scenario.js";
import { sameProgram } from "./same-program.js";
import type { PairInput, PairReasonCode, PairVerdict, RunOutcome, Side, SideReport } from "./types.js";

export const DEFAULT_RUNS = 5;
/** Per run: compile + Scenario.run/0. Harnesses aim at < 2 s; this leaves room for a loaded machine. */
export const DEFAULT_RUN_TIMEOUT_MS = 8_000;

export interface VerifyPairOptions {
  /** K: runs per side. Default 5. */
  runs?: number;
  /** Wall-clock limit of one run (compilation included). */
  timeoutMs?: number;
  /** A pool to share (not closed here). Without one, a pool is created for this call and closed after. */
  pool?: JobRunner;
  /** Called after every finished run. */
  onRun?: (side: Side, outcome: RunOutcome) => void;
}

export class InvalidPairInputError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_PAIR_INPUT", message, { category: "input" });
  }
}

export async function verifyPair(input: PairInput, options: VerifyPairOptions = {}): Promise<PairVerdict> {
  const runs = options.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new InvalidPairInputError(`runs must be an integer >= 1, got ${runs}.`);
  for (const key of ["buggy", "fixed", "harness"] as const) {
    if (typeof input[key] !== "string" || input[key].trim() === "") {
      const what = key === "harness" ? "the harness (defining Scenario.run/0)" : `the ${key} version`;
      throw new InvalidPairInputError(`The ${key} source is empty; give the Elixir source of ${what}.`);
    }
  }
  return withPool(options.pool, (pool) => verifyWith(pool, input, runs, options));
}

async function verifyWith(pool: JobRunner, input: PairInput, runs: number, options: VerifyPairOptions): Promise<PairVerdict> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const empty = (side: Side): SideReport => ({ side, runs: 0, failures: 0, failureRate: 0, outcomes: [] });
  let suite: PairVerdict["suite"];
  const finish = (code: PairReasonCode, reasons: string[], buggy: SideReport, fixed: SideReport): PairVerdict => ({
    verdict: code === "valid" ? "valid" : "invalid",
    reasons,
    reason: reasons.join("; "),
    code,
    runs,
    buggyFailures: buggy.failures,
    fixedFailures: fixed.failures,
    buggyFailureRate: buggy.failureRate,
    fixedFailureRate: fixed.failureRate,
    buggy,
    fixed,
    ...(suite ? { suite } : {}),
    durationMs: Math.round(performance.now() - started),
  });

  // 1. The static policy on all three sources, before anything compiles; every violation is reported.
  const [pBuggy, pFixed, pHarness] = await Promise.all([
    policyOf(pool, "buggy.ex", input.buggy),
    policyOf(pool, "fixed.ex", input.fixed),
    policyOf(pool, "harness.exs", input.harness),
  ]);
  if (!pBuggy.ok || !pFixed.ok || !pHarness.ok) {
    const buggy = empty("buggy");
    const fixed = empty("fixed");
    const reasons: string[] = [];
    for (const [report, p] of [
      [buggy, pBuggy],
      [fixed, pFixed],
    ] as const) {
      if (!p.ok) {
        report.problem = { kind: "policy_violation", file: "code", message: violationText(p.violations) };
        reasons.push(`${report.side} code breaks the sandbox policy: ${report.problem.message}`);
      }
    }
    if (!pHarness.ok) {
      const message = violationText(pHarness.violations);
      for (const report of [buggy, fixed]) report.problem ??= { kind: "policy_violation", file: "harness", message };
      reasons.push(`harness breaks the sandbox policy: ${message}`);
    }
    return finish("policy_violation", reasons, buggy, fixed);
  }

  // 2. Both sides run (the first run of each compiles the code with the harness).
  //    Identical programs stop after that first run: more runs cannot tell them apart.
  const same = sameProgram(pool, input.buggy, input.fixed, timeoutMs);
  const afterFirstRun = async () => (await same) !== true;
  const common = { pool, runs, timeoutMs, policyChecked: true, afterFirstRun };
  const suiteSource = input.suite?.trim() ? input.suite : undefined;
  const suiteRun = (code: string, side: Side) =>
    suiteSource
      ? checkVersion(code, suiteSource, {
          pool,
          runs,
          timeoutMs,
          side,
          seeded: { seedBase: 500, support: FIX_BUG_SUITE_SUPPORT, strayCheck: true },
        })
      : undefined;
  const [buggy, fixed, suiteBuggy, suiteFixed] = await Promise.all([
    checkVersion(input.buggy, input.harness, { ...common, side: "buggy", onRun: (o) => options.onRun?.("buggy", o) }),
    checkVersion(input.fixed, input.harness, { ...common, side: "fixed", onRun: (o) => options.onRun?.("fixed", o) }),
    suiteRun(input.buggy, "buggy"),
    suiteRun(input.fixed, "fixed"),
  ]);
  if (suiteBuggy && suiteFixed) suite = { buggy: suiteBuggy, fixed: suiteFixed };

  // 3. The verdict, first the problems that stopped a side.
  const problems: string[] = [];
  for (const r of [buggy, fixed]) {
    if (r.problem?.file === "code") {
      problems.push(
        r.problem.kind === "policy_violation"
          ? `${r.side} code breaks the sandbox policy: ${r.problem.message}`
          : `${r.side} code does not compile: ${r.problem.message}`,
      );
    }
  }
  const harnessProblem = [buggy, fixed].map((r) => r.problem).find((p) => p?.file === "harness");
  if (harnessProblem) {
    problems.push(
      harnessProblem.kind === "policy_violation"
        ? `harness breaks the sandbox policy: ${harnessProblem.message}`
        : `harness does not compile: ${harnessProblem.message}`,
    );
  }
  if (problems.length) {
    const policy = [buggy, fixed].some((r) => r.problem?.kind === "policy_violation");
    return finish(policy ? "policy_violation" : "compile_error", problems, buggy, fixed);
  }
  if ((await same) === true)
    return finish(
      "same_program",
      ["the two versions are the same program (identical after Code.format_string! normalisation)"],
      buggy,
      fixed,
    );

  if (buggy.failures === runs && fixed.failures === runs) {
    return finish(
      "harness_fails_on_both",
      [`harness fails on both (every run of each version failed)`, `fix failed in ${runs} of ${runs} runs`],
      buggy,
      fixed,
    );
  }
  const reasons: string[] = [];
  if (buggy.failures === 0) reasons.push(`bug not reproduced in ${runs} runs`);
  if (fixed.failures > 0) reasons.push(`fix failed in ${fixed.failures} of ${runs} runs`);
  if (reasons.length) return finish(buggy.failures === 0 ? "bug_not_reproduced" : "fix_failed", reasons, buggy, fixed);
  if (suite) {
    const broken = [suite.buggy, suite.fixed].filter((r) => r.problem || r.failures > 0);
    if (broken.length) {
      const why = broken.map((r) =>
        r.problem
          ? `the pass-to-pass suite does not run on the ${r.side} version: ${r.problem.message}`
          : `the pass-to-pass suite failed ${r.failures} of ${r.runs} runs on the ${r.side} version (${r.outcomes.find((o) => !o.passed)?.detail ?? ""})`,
      );
      return finish("suite_fails", why, buggy, fixed);
    }
  }
  const suiteHeld = suite ? `; pass-to-pass suite held in all ${runs} runs of both versions` : "";
  return finish("valid", [`bug reproduced in ${buggy.failures} of ${runs} runs; fix held in all ${runs} runs${suiteHeld}`], buggy, fixed);
}
