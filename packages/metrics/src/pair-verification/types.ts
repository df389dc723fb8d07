// What pair verification takes and what it concludes.
import type { JobResult } from "@otpforge/beam";

export type Side = "buggy" | "fixed";

/** Why a verdict is what it is, machine-readable (the `reason` text says it in words). */
export type PairReasonCode =
  | "valid"
  | "policy_violation"
  | "compile_error"
  | "same_program"
  | "bug_not_reproduced"
  | "fix_failed"
  | "harness_fails_on_both"
  | "suite_fails";

/** How one run of Scenario.run/0 ended. */
export interface RunOutcome {
  run: number;
  passed: boolean;
  /** The pool's verdict for the job (`ok` even when Scenario.run/0 returned an error tuple). */
  status: JobResult["status"];
  /** What went wrong, in one line: the returned value, or the job's message. */
  detail?: string;
  durationMs: number;
  /** The seed of `:rand` for this run, when the run was seeded (the same seed replays the same inputs). */
  seed?: number;
  /** The first attempt's worker crashed and the run was tried once more. */
  retried?: boolean;
}

export interface SideReport {
  side: Side;
  /** Problems that stopped this side before any run (policy, compilation). */
  problem?: { kind: "policy_violation" | "compile_error"; file: "code" | "harness"; message: string };
  runs: number;
  failures: number;
  /** failures / runs (0 when nothing ran). */
  failureRate: number;
  /** Every run, in order. */
  outcomes: RunOutcome[];
}

export interface PairVerdict {
  verdict: "valid" | "invalid";
  /** Every reason that applies, first the one that decided. */
  reasons: string[];
  /** The reasons joined in one line. */
  reason: string;
  code: PairReasonCode;
  /** Runs requested per side (K). */
  runs: number;
  buggyFailures: number;
  fixedFailures: number;
  buggyFailureRate: number;
  fixedFailureRate: number;
  buggy: SideReport;
  fixed: SideReport;
  /** With a pass-to-pass suite: its seeded runs on each version (it must pass every run of both). */
  suite?: { buggy: SideReport; fixed: SideReport };
  durationMs: number;
}

export interface PairInput {
  buggy: string;
  fixed: string;
  harness: string;
  /** A pass-to-pass suite (Scenario.run/0 using FixBugSuite): must pass on both versions. */
  suite?: string;
}
