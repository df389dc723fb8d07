// The fix-bug task: FixBugProgram gets buggy code and the explanation of its
// bug; a fix scores 1 only when the held-out harness passes in every run on
// the BEAM. Compile and eval use the same number of runs.
import { example } from "@otpforge/core";
import { DEFAULT_FIX_BUG_RUNS, evalFixBug, gradeFix, readFixBugCases } from "@otpforge/metrics";
import { fixBugCases, FixBugProgram, type FixBugCase } from "@otpforge/otp-signatures";
import { lazyPool, type OtpTask, type TaskOptions } from "./task.js";

export function fixBugTask(options: TaskOptions = {}): OtpTask<FixBugProgram, FixBugCase> {
  const pool = lazyPool(options.pool);
  const runs = options.runs ?? DEFAULT_FIX_BUG_RUNS;
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const readRecords = (source: string) => (source === "catalog" ? fixBugCases() : readFixBugCases(source));
  // The reference fix is the label, so labeled demos show a correct fix.
  const toExample = (c: FixBugCase) => example({ ...c, ...(c.reference_fix ? { fixed_code: c.reference_fix } : {}) }).withInputs("buggy_code", "explanation");
  return {
    name: "fix-bug",
    summary: `FixBugProgram; a fix scores 1 only when the held-out harness passes in all ${runs} runs on the BEAM`,
    dataHelp: "fix-bug cases (JSONL: id, category, buggy_code, explanation, harness, reference_fix?), or `catalog` for the reference catalog",
    builtinData: "catalog",
    description: "FixBug: buggy_code, explanation -> fixed_code, graded by the held-out harness",
    program: () => new FixBugProgram(),
    metric: async (ex, prediction) => {
      const fixed = (prediction as { outputs?: { fixed_code?: string } }).outputs?.fixed_code ?? "";
      const grade = await gradeFix(fixed, String(ex.data.harness), { pool: await pool.get(), runs, ...timeout });
      return { score: grade.passed ? 1 : 0, feedback: grade.reason };
    },
    metricThreshold: 1,
    readRecords,
    toExample,
    loadExamples: (source) => readRecords(source).map(toExample),
    evaluate: async (program, cases, o = {}) =>
      evalFixBug(program, cases, {
        pool: await pool.get(),
        runs,
        ...timeout,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.progress !== undefined ? { progress: o.progress } : {}),
      }),
    close: pool.close,
  };
}
