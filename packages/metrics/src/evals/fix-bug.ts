// The fix-bug eval (the brief's code-generation eval): a program gets buggy
// code and the explanation of its bug, and its fixed_code is graded as a
// reviewer would: it must pass the sandbox policy and compile, keep the buggy
// code's public API (api_shape), pass the held-out harness (fail_to_pass) and
// the case's pass-to-pass suite in all K seeded runs, fail in no interleaving
// of the harness when the case is explorable (interleavings), and leave no
// stray process (stray_processes). Review findings are reported beside the score.
import { withPool, type JobRunner } from "@otpforge/beam";
import { evaluate, example, OtpforgeError, Prediction, type EvaluateProgress, type ProgramLike } from "@otpforge/core";
import { fixBugCaseSchema, type FixBugCase } from "@otpforge/otp-signatures";
import { describeCheck, runFixChecks, type FixBugCheck, type FixBugCheckName, type FixBugTarget } from "../fix-bug-checks/grade-fix.js";
import type { ReviewFinding } from "../fix-bug-checks/code-survey.js";
import { stripCodeFence } from "../pair-verification/code-text.js";
import { DEFAULT_RUN_TIMEOUT_MS } from "../pair-verification/verify-pair.js";
import { summarizeEval, type EvalRecord, type EvalResult } from "./index.js";
import { issuesLine, readJsonlRecords } from "./jsonl.js";
import { runFields } from "./run-fields.js";

export const DEFAULT_FIX_BUG_RUNS = 5;

export interface FixBugGrade {
  /** passed: compiled and every run passed. */
  status: "passed" | "failed" | "policy_violation" | "compile_error" | "empty";
  passed: boolean;
  reason: string;
  /** Harness runs (fail_to_pass), as before the other checks existed. */
  runs: number;
  failures: number;
  failureRate: number;
  firstFailure?: string;
  /** The first check that failed (in the order of FIX_BUG_CHECKS). */
  failedCheck?: FixBugCheckName;
  /** Every check that ran, passed or not. */
  checks?: FixBugCheck[];
  /** What a reviewer would flag that behaviour cannot see: reported, never scored. */
  findings?: ReviewFinding[];
}

export interface FixBugRecord extends EvalRecord, Omit<FixBugGrade, "passed"> {
  passed: boolean;
  /** The candidate fix as graded (markdown fence removed). */
  fixed_code?: string;
  /** The case's reference fix, when it has one (never shown to the program): the report diffs fixed_code against it. */
  reference_fix?: string;
}

export interface EvalFixBugOptions {
  /** Shared pool (not closed here); without one, a pool is created for the eval and closed after. */
  pool?: JobRunner;
  /** K: the fix must pass all K runs. Default 5. */
  runs?: number;
  timeoutMs?: number;
  /** Examples in flight at once (LM calls and grading). Default 4. */
  concurrency?: number;
  progress?: boolean;
  onProgress?: (progress: EvaluateProgress) => void;
}

export class FixBugDataError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_FIX_BUG_DATA", message, { category: "input" });
  }
}

export interface GradeFixOptions {
  pool: JobRunner;
  runs?: number;
  timeoutMs?: number;
  /** Base of the per-run seeds of the harness's and the suite's inputs. Default 0. */
  seed?: number;
}

/**
 * Grades one candidate fix. Given only a harness, the checks are the harness
 * (seeded) and stray processes; given a case (or any object with the harness,
 * the buggy code and the suite), also the API shape and the pass-to-pass suite.
 */
export async function gradeFix(fixedCode: string, target: string | FixBugTarget, options: GradeFixOptions): Promise<FixBugGrade> {
  const runs = options.runs ?? DEFAULT_FIX_BUG_RUNS;
  const code = stripCodeFence(fixedCode ?? "");
  if (code.trim() === "")
    return { status: "empty", passed: false, reason: "the program returned no code", runs: 0, failures: 0, failureRate: 0 };
  const t: FixBugTarget = typeof target === "string" ? { harness: target } : target;
  const result = await runFixChecks(code, t, {
    pool: options.pool,
    runs,
    timeoutMs: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  if (result.problem) {
    const what = result.problem.file === "harness" ? "the held-out harness" : "the fix";
    const verb = result.problem.kind === "policy_violation" ? "breaks the sandbox policy" : "does not compile";
    return {
      status: result.problem.kind,
      passed: false,
      reason: `${what} ${verb}: ${result.problem.message}`,
      runs: 0,
      failures: 0,
      failureRate: 0,
    };
  }
  const { harness, checks, findings, failedCheck } = result;
  const firstFailure = harness.outcomes.find((o) => !o.passed)?.detail;
  const common = {
    runs: harness.runs,
    failures: harness.failures,
    failureRate: harness.failureRate,
    ...(firstFailure ? { firstFailure } : {}),
    checks,
    findings,
  };
  if (!failedCheck) {
    const passedChecks = checks.map((c) => c.name).join(", ");
    return { status: "passed", passed: true, reason: `passed all ${harness.runs} runs of each check (${passedChecks})`, ...common };
  }
  const failed = checks.find((c) => c.name === failedCheck)!;
  return { status: "failed", passed: false, reason: describeCheck(failed), failedCheck, ...common };
}

/** Runs `program` (inputs buggy_code, explanation; output fixed_code) on every case and grades each fix. */
export async function evalFixBug(
  program: ProgramLike<Prediction<{ fixed_code: string }> | { fixed_code: string }>,
  cases: readonly FixBugCase[],
  options: EvalFixBugOptions = {},
): Promise<EvalResult<FixBugRecord>> {
  return withPool(options.pool, run);

  async function run(pool: JobRunner): Promise<EvalResult<FixBugRecord>> {
    const runs = options.runs ?? DEFAULT_FIX_BUG_RUNS;
    const grades = new Map<string, { grade: FixBugGrade; code: string }>();
    const devset = cases.map((c) => example({ ...c }).withInputs("buggy_code", "explanation"));
    const result = await evaluate(
      program,
      devset,
      async (ex, prediction) => {
        const outputs = prediction instanceof Prediction ? prediction.outputs : prediction;
        const code = typeof outputs?.fixed_code === "string" ? outputs.fixed_code : "";
        const grade = await gradeFix(code, ex.data, { pool, runs, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
        grades.set(ex.data.id, { grade, code: stripCodeFence(code) });
        return { score: grade.passed ? 1 : 0, feedback: grade.reason };
      },
      {
        concurrency: options.concurrency ?? 4,
        ...(options.progress !== undefined ? { progress: options.progress } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    );
    const records = result.results.map((r): FixBugRecord => {
      const c = r.example.data;
      const graded = grades.get(c.id);
      const base = {
        id: c.id,
        category: c.category,
        score: r.score,
        durationMs: Math.round(r.durationMs),
        ...runFields(r),
        ...(c.reference_fix !== undefined ? { reference_fix: c.reference_fix } : {}),
      };
      if (r.error !== undefined || !graded) {
        const message = r.error instanceof Error ? r.error.message : String(r.error ?? "no grade");
        return {
          ...base,
          score: 0,
          error: message,
          status: "failed",
          passed: false,
          reason: `error: ${message}`,
          runs: 0,
          failures: 0,
          failureRate: 0,
        };
      }
      return { ...base, ...graded.grade, fixed_code: graded.code };
    });
    return summarizeEval("fix-bug", records);
  }
}

/** Reads fix-bug cases from a JSONL file (one case a line: id, category, buggy_code, explanation, harness). */
export function readFixBugCases(path: string): FixBugCase[] {
  const cases = readJsonlRecords(path, {
    what: "fix-bug data",
    unreadableHint: "Give a JSONL file with one case per line.",
    error: FixBugDataError,
    id: (c: FixBugCase) => c.id,
    parse: (value, where) => {
      const kind = (value as { kind?: unknown } | null)?.kind;
      if (kind === "false_friend") {
        throw new FixBugDataError(
          `${where}: a false friend (a negative example: its "bug" is none), which has nothing to fix. Give the scenario file itself (F.jsonl), not F.negatives.jsonl.`,
        );
      }
      // A generated scenario (otpforge dataset scenarios) is a case too: its proved fix is the reference fix.
      if (kind === "scenario" && typeof (value as { fixed_code?: unknown }).fixed_code === "string") {
        value = { ...(value as object), reference_fix: (value as { fixed_code: string }).fixed_code };
      }
      const parsed = fixBugCaseSchema.safeParse(value);
      if (!parsed.success)
        throw new FixBugDataError(
          `${where}: not a fix-bug case (${issuesLine(parsed.error.issues)}). Fields: id, category, buggy_code, explanation, harness.`,
        );
      return parsed.data;
    },
  });
  if (cases.length === 0) throw new FixBugDataError(`${path} holds no fix-bug cases.`);
  return cases;
}
