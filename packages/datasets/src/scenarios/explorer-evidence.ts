// The explorer's part of a generated scenario's evidence. Random runs can miss
// a rare interleaving, so when the harness never fails on the buggy code in
// the runs, the explorer searches every interleaving of each side
// (searchSide, in @otpforge/metrics, which the fix-bug eval shares): a failing
// schedule of the buggy code is a witness that the bug is real, and a complete
// search of the fix with only :ok proves the fix for that harness. Here: what
// `verify scenario` checks again, replaying the witness.
import { replay, type JobRunner } from "@otpforge/beam";
import { DEFAULT_PROOF_SCHEDULES, scenarioSource, searchSide, verifyPair, type PairVerdict } from "@otpforge/metrics";
import type { ScenarioRecord } from "./record.js";

export interface ScenarioRecordCheck {
  valid: boolean;
  /** One line: what held, or what did not. */
  reason: string;
  /** The runs of both sides. */
  verdict: PairVerdict;
  /** For a record kept on a witness: the outcome its schedule reaches now. */
  witnessOutcome?: string;
}

/**
 * Checks a kept record again: its pair by K runs (the fix must hold in all),
 * the witness, when it has one, replayed on the buggy code (it must reach the
 * recorded failure), and for a record kept on the explorer's evidence alone
 * (no run failed) the fix searched again (complete, only :ok).
 */
export async function verifyScenarioRecord(
  pool: JobRunner,
  record: ScenarioRecord,
  options: { runs: number; timeoutMs: number },
): Promise<ScenarioRecordCheck> {
  const verdict = await verifyPair(
    { buggy: record.buggy_code, fixed: record.fixed_code, harness: record.harness },
    { pool, runs: options.runs, timeoutMs: options.timeoutMs },
  );
  const w = record.verification.witness;
  if (!w) return { valid: verdict.verdict === "valid", reason: verdict.reason, verdict };
  if (verdict.fixedFailures > 0) return { valid: false, reason: verdict.reason, verdict };
  const again = await replay(pool, scenarioSource(record.buggy_code, record.harness), w.schedule);
  if (again.outcome !== w.outcome) {
    return {
      valid: false,
      reason: `the witness schedule now reaches ${again.outcome}, not the recorded ${w.outcome}`,
      verdict,
      witnessOutcome: again.outcome,
    };
  }
  // A bug the runs show needs no search of the fix: the runs are its evidence, the witness an illustration.
  if (!record.verification.fix_exploration) {
    const valid = verdict.verdict === "valid";
    return {
      valid,
      reason: valid ? `${verdict.reason}; the witness reaches ${w.outcome}` : verdict.reason,
      verdict,
      witnessOutcome: again.outcome,
    };
  }
  const fix = await searchSide(
    pool,
    record.fixed_code,
    record.harness,
    Math.max(DEFAULT_PROOF_SCHEDULES, record.verification.fix_exploration.schedules),
  );
  if (!fix.ran) return { valid: false, reason: `the fix: ${fix.why}`, verdict, witnessOutcome: again.outcome };
  if (fix.failing)
    return { valid: false, reason: `the fix fails in an interleaving (${fix.failing.outcome})`, verdict, witnessOutcome: again.outcome };
  if (!fix.complete)
    return { valid: false, reason: "the explorer could not cover every interleaving of the fix", verdict, witnessOutcome: again.outcome };
  return {
    valid: true,
    reason: `the witness reaches ${w.outcome} on the buggy code; the fix held in all ${options.runs} runs and all ${fix.schedules} interleavings`,
    verdict,
    witnessOutcome: again.outcome,
  };
}
