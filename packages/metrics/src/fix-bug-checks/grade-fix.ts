// The checks a fix-bug answer must pass, each named so a report can say which
// one caught a bad fix:
//   api_shape        every public function of the buggy code is still there, same arity
//   fail_to_pass     the held-out harness passes in every run (inputs seeded per run)
//   interleavings    explorable cases only: no schedule of the harness (run 1's
//                    inputs) fails under the explorer, so a fix that only
//                    narrows a race window, which real runs rarely hit, fails
//   pass_to_pass     the case's suite passes in every run: every public function,
//                    inputs of its own, seeded per run; it passes on the buggy code too
//   stray_processes  after each run, nothing the code started is left running
// Review findings (sleeps in clients, :persistent_term writes, swallowed
// :EXITs) are reported beside the score and never change it.
import { FIX_BUG_SUITE_SUPPORT } from "@otpforge/otp-signatures";
import { checkVersion } from "../pair-verification/check-version.js";
import { searchSide, type SideSearch } from "../pair-verification/explore-side.js";
import type { JobRunner } from "@otpforge/beam";
import type { RunOutcome, SideReport } from "../pair-verification/types.js";
import { missingFunctions, newFindings, surveyCode, type ReviewFinding } from "./code-survey.js";

export type FixBugCheckName = "api_shape" | "fail_to_pass" | "interleavings" | "pass_to_pass" | "stray_processes";

/** The order in which a failure is blamed: the first failing check is `failedCheck`. */
export const FIX_BUG_CHECKS: readonly FixBugCheckName[] = ["api_shape", "fail_to_pass", "interleavings", "pass_to_pass", "stray_processes"];

export interface FixBugCheck {
  name: FixBugCheckName;
  passed: boolean;
  /** What failed, in one line (the first failing run, with its seed). */
  detail?: string;
  /** pass_to_pass: the suite's own name for what failed (e.g. `set_returns_ok`). */
  subcheck?: string;
  runs?: number;
  failures?: number;
  /** interleavings: schedules the explorer ran to their end. */
  schedules?: number;
}

/** What a fix is graded against. Only the harness is required; the others add checks. */
export interface FixBugTarget {
  harness: string;
  /** The buggy code: the API a fix must keep (api_shape) and the baseline of review findings. */
  buggy_code?: string;
  /** The pass-to-pass suite. */
  suite?: string;
  /**
   * The harness is explorable (the catalog's opt-in): search every
   * interleaving of the fix, up to max_schedules (the interleavings check).
   */
  explore?: { max_schedules: number };
}

export interface FixChecksOptions {
  pool: JobRunner;
  runs: number;
  timeoutMs: number;
  /** Base of the per-run seeds (run i of the harness gets seed*1000 + i, of the suite seed*1000 + 500 + i). Default 0. */
  seed?: number;
}

export type FixChecksResult =
  | { problem: NonNullable<SideReport["problem"]> }
  | { problem?: undefined; harness: SideReport; checks: FixBugCheck[]; failedCheck?: FixBugCheckName; findings: ReviewFinding[] };

const STRAY = /\{:error, \{:stray_processes, (\d+)\}\}/;
const SUBCHECK = /returned \{:error, \{:([a-z_0-9?!]+)/;

export async function runFixChecks(code: string, target: FixBugTarget, options: FixChecksOptions): Promise<FixChecksResult> {
  const base = (options.seed ?? 0) * 1000;
  const surveys = Promise.all([
    target.buggy_code ? surveyCode(options.pool, target.buggy_code, options.timeoutMs) : undefined,
    surveyCode(options.pool, code, options.timeoutMs),
  ]);
  const seeded = (seedBase: number) => ({ seedBase, support: FIX_BUG_SUITE_SUPPORT, strayCheck: true });
  const common = { pool: options.pool, runs: options.runs, timeoutMs: options.timeoutMs };

  // The harness, the suite and the search run at once, each in a fresh VM of
  // its own. The search always runs: on the catalog's explorable harnesses it
  // took 0.02 to 1.2 s of VM time (1 to 42 schedules), no more than the runs.
  // It explores run 1's inputs (seed base + 1), so what it finds is a schedule
  // of a run that fail_to_pass ran once on the real scheduler.
  const [harness, suite, search] = await Promise.all([
    checkVersion(code, target.harness, { ...common, seeded: seeded(base) }),
    target.suite ? checkVersion(code, target.suite, { ...common, policyChecked: true, seeded: seeded(base + 500) }) : undefined,
    target.explore ? searchSide(options.pool, code, target.harness, target.explore.max_schedules, { seed: base + 1 }) : undefined,
  ]);
  if (harness.problem) return { problem: harness.problem };
  const [buggySurvey, fixSurvey] = await surveys;

  const checks: FixBugCheck[] = [];
  if (buggySurvey && fixSurvey) {
    const missing = missingFunctions(buggySurvey, fixSurvey);
    checks.push(
      missing.length
        ? { name: "api_shape", passed: false, detail: `public functions removed or changed in arity: ${missing.join(", ")}` }
        : { name: "api_shape", passed: true },
    );
  }
  const strays: RunOutcome[] = [];
  const split = (report: SideReport) => {
    const failed = report.outcomes.filter((o) => !o.passed);
    const stray = failed.filter((o) => STRAY.test(o.detail ?? ""));
    strays.push(...stray);
    return failed.filter((o) => !stray.includes(o));
  };
  const runCheck = (name: FixBugCheckName, report: SideReport, failed: RunOutcome[]): FixBugCheck => {
    if (failed.length === 0) return { name, passed: true, runs: report.runs, failures: 0 };
    const first = failed[0]!;
    const subcheck = name === "pass_to_pass" ? SUBCHECK.exec(first.detail ?? "")?.[1] : undefined;
    return {
      name,
      passed: false,
      runs: report.runs,
      failures: failed.length,
      detail: `failed ${failed.length} of ${report.runs} runs; ${seedOf(first)}${first.detail ?? first.status}`,
      ...(subcheck ? { subcheck } : {}),
    };
  };
  checks.push(runCheck("fail_to_pass", harness, split(harness)));
  if (search) checks.push(interleavingsCheck(search, base + 1, target.explore!.max_schedules));
  if (suite) {
    checks.push(
      suite.problem
        ? { name: "pass_to_pass", passed: false, detail: `the suite does not run against this code: ${suite.problem.message}` }
        : runCheck("pass_to_pass", suite, split(suite)),
    );
  }
  const runs = harness.runs + (suite?.runs ?? 0);
  checks.push(
    strays.length
      ? {
          name: "stray_processes",
          passed: false,
          runs,
          failures: strays.length,
          detail: `processes left running after ${strays.length} of ${runs} runs; ${seedOf(strays[0]!)}${STRAY.exec(strays[0]!.detail ?? "")![1]} left`,
        }
      : { name: "stray_processes", passed: true, runs, failures: 0 },
  );
  const failedCheck = FIX_BUG_CHECKS.find((n) => checks.some((c) => c.name === n && !c.passed));
  const findings = buggySurvey && fixSurvey ? newFindings(buggySurvey, fixSurvey) : (fixSurvey?.findings ?? []);
  return { harness, checks, findings, ...(failedCheck ? { failedCheck } : {}) };
}

/** The explorer's verdict on the fix, in one line; the witness is given by its length and first choices. */
function interleavingsCheck(search: SideSearch, seed: number, bound: number): FixBugCheck {
  const name = "interleavings";
  // A fix the explorer cannot run fails: no correct alternative of the
  // fixtures (test/fixtures/fix-bug/correct) is refused, so a refusal means a
  // construct the explorer has no model of (e.g. :timer.send_interval), and
  // passing it would let a fix skip the search by using one.
  // A search that ran out of time is another matter: a correct fix with more
  // processes than the reference can have more interleavings than fit in the
  // time limit, and that says nothing against it. It passes, saying so.
  if (!search.ran && search.status === "timeout")
    return { name, passed: true, detail: `seed ${seed}: not explored, the search ran out of time (${search.why.replace(/\s+/g, " ")})` };
  if (!search.ran) return { name, passed: false, detail: `seed ${seed}: ${search.why.replace(/\s+/g, " ")}` };
  if (search.failing) {
    const w = search.failing.witness;
    const shown = w.length <= 24 ? `[${w.join(",")}]` : `[${w.slice(0, 24).join(",")},…]`;
    return {
      name,
      passed: false,
      schedules: search.schedules,
      detail: `seed ${seed}: a schedule ends in ${oneLine(search.failing.outcome)}; witness schedule of ${w.length} choices ${shown}`,
    };
  }
  if (!search.complete)
    return {
      name,
      passed: true,
      schedules: search.schedules,
      detail: `seed ${seed}: none of ${search.schedules} interleavings failed, but the search was cut (bound ${bound} schedules)`,
    };
  return { name, passed: true, schedules: search.schedules, detail: `seed ${seed}: all ${search.schedules} interleavings passed` };
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function seedOf(o: RunOutcome): string {
  return o.seed !== undefined ? `seed ${o.seed}: ` : "";
}

/** One line naming the failed check and what it saw. */
export function describeCheck(c: FixBugCheck): string {
  return `${c.name}${c.subcheck ? ` (${c.subcheck})` : ""}: ${c.detail ?? (c.passed ? "passed" : "failed")}`;
}
