// The fix-bug task: FixBugProgram gets buggy code and the explanation of its
// bug; a fix scores 1 only when every check passes on the BEAM: the API shape,
// the held-out harness and the pass-to-pass suite in every seeded run, no
// failing interleaving (explorable cases) and no stray process. Compile and
// eval use the same number of runs.
import { example } from "@otpforge/core";
import { DEFAULT_FIX_BUG_RUNS, evalFixBug, gradeFix, readFixBugCases } from "@otpforge/metrics";
import { fixBugCases, FixBugProgram, type FixBugCase } from "@otpforge/otp-signatures";
import { evalRunOptions, lazyPool, type OtpTask, type TaskOptions } from "./task.js";

export function fixBugTask(options: TaskOptions = {}): OtpTask<FixBugProgram, FixBugCase> {
  const pool = lazyPool(options.pool);
  const runs = options.runs ?? DEFAULT_FIX_BUG_RUNS;
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const readRecords = (source: string) => (source === "catalog" ? fixBugCases() : readFixBugCases(source));
  // The reference fix is the label, so labeled demos show a correct fix.
  const toExample = (c: FixBugCase) =>
    example({ ...c, ...(c.reference_fix ? { fixed_code: c.reference_fix } : {}) }).withInputs("buggy_code", "explanation");
  return {
    name: "fix-bug",
    summary: `FixBugProgram; a fix scores 1 only when it keeps the API and passes the held-out harness and the pass-to-pass suite in all ${runs} runs on the BEAM, fails in no interleaving the explorer searches (explorable cases), leaving no stray process`,
    dataHelp:
      "fix-bug cases (JSONL: id, category, buggy_code, explanation, harness, reference_fix?), or `catalog` for the reference catalog",
    builtinData: "catalog",
    description: "FixBug: buggy_code, explanation -> fixed_code, graded by the held-out harness",
    program: () => new FixBugProgram(),
    metric: async (ex, prediction) => {
      const fixed = (prediction as { outputs?: { fixed_code?: string } }).outputs?.fixed_code ?? "";
      // The whole case: harness, buggy code (the API to keep), pass-to-pass suite and explore bound.
      const c = ex.data as unknown as FixBugCase;
      const grade = await gradeFix(
        fixed,
        {
          harness: String(c.harness),
          buggy_code: c.buggy_code,
          ...(c.suite ? { suite: c.suite } : {}),
          ...(c.explore ? { explore: c.explore } : {}),
        },
        { pool: await pool.get(), runs, ...timeout },
      );
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
        ...evalRunOptions(o),
      }),
    close: pool.close,
  };
}
