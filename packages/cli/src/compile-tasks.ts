// Built-in tasks that `otpforge compile TASK` (and any verb that tunes or
// evaluates a program) can name instead of a task module path. Each task's
// issue adds one entry; `load` imports lazily so the CLI starts fast and a
// task's heavy dependencies load only when it is used.
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { CompileTask } from "@otpforge/teleprompters";

export interface BuiltinTask {
  name: string;
  /** One line for --help. */
  summary: string;
  /** What --trainset/--valset files hold, for --help. */
  data: string;
  load(): Promise<LoadedTask>;
}

/** A task whose metric may hold resources (a BEAM pool) until `close()`. */
export type LoadedTask = CompileTask & { close?(): Promise<void> };

/** A BEAM pool created on the metric's first use, so loading a task stays cheap. */
function lazyPool() {
  let pool: Promise<import("@otpforge/beam").Pool> | undefined;
  return {
    get: () => (pool ??= import("@otpforge/beam").then((b) => b.createPool())),
    close: async () => {
      if (pool) await (await pool).close();
    },
  };
}

/** `name` when that file does not exist: the task's built-in data set. */
function isBuiltinData(file: string, name: string): boolean {
  return !existsSync(file) && basename(file) === name;
}

export const compileTasks: BuiltinTask[] = [
  {
    name: "trace",
    summary: "predict what OTP processes do: TraceProgram scored by traceAnswer",
    data: "trace examples (JSONL) from `otpforge dataset traces`",
    async load() {
      const [{ example }, { TraceProgram, TRACE_INPUT_FIELDS }, { traceAnswer, readTraceExamples }] = await Promise.all([
        import("@otpforge/core"),
        import("@otpforge/otp-signatures"),
        import("@otpforge/metrics"),
      ]);
      return {
        name: "trace",
        description: "ConcurrencyTrace: process_code, event_trace, question -> reasoning, prediction",
        program: () => new TraceProgram(),
        metric: (ex, prediction) => traceAnswer(ex, prediction),
        // The observed answer is the label of the program's `prediction` output (records also carry
        // `reasoning` derived from the observed events), so labeled demos are complete demos.
        loadExamples: (file) => readTraceExamples(file).map((e) => example({ ...e, prediction: e.answer }).withInputs(...TRACE_INPUT_FIELDS)),
      };
    },
  },
  {
    name: "fix-bug",
    summary: "FixBugProgram; a fix scores 1 only when the held-out harness passes in all 3 runs on the BEAM",
    data: "fix-bug cases (JSONL: id, category, buggy_code, explanation, harness, reference_fix?), or `catalog` for the reference catalog",
    async load() {
      const [{ example }, sigs, { gradeFix, readFixBugCases }] = await Promise.all([import("@otpforge/core"), import("@otpforge/otp-signatures"), import("@otpforge/metrics")]);
      const pool = lazyPool();
      return {
        name: "fix-bug",
        description: "FixBug: buggy_code, explanation -> fixed_code, graded by the held-out harness",
        program: () => new sigs.FixBugProgram(),
        metric: async (ex, prediction) => {
          const fixed = (prediction as { outputs?: { fixed_code?: string } }).outputs?.fixed_code ?? "";
          const grade = await gradeFix(fixed, String(ex.data.harness), { pool: await pool.get(), runs: 3 });
          return { score: grade.passed ? 1 : 0, feedback: grade.reason };
        },
        // The reference fix becomes the label, so labeled demos show a correct fix.
        loadExamples: (file) =>
          (isBuiltinData(file, "catalog") ? sigs.fixBugCases() : readFixBugCases(file)).map((c) =>
            example({ ...c, ...(c.reference_fix ? { fixed_code: c.reference_fix } : {}) }).withInputs("buggy_code", "explanation"),
          ),
        close: pool.close,
      };
    },
  },
  {
    name: "design",
    summary: "SystemDesignProgram; the skeleton is compiled, started, inspected and faulted on the BEAM, one point per requirement",
    data: "design problems (JSONL, as `otpforge eval design` reads them), or `reference` for the built-in problems",
    async load() {
      const [sigs, { designMetric, readDesignProblems }] = await Promise.all([import("@otpforge/otp-signatures"), import("@otpforge/metrics")]);
      const pool = lazyPool();
      let metric: ReturnType<typeof designMetric> | undefined;
      return {
        name: "design",
        description: "SystemDesign: problem_description -> otp_architecture, code_skeleton, graded by fault injection",
        program: () => new sigs.SystemDesignProgram(),
        metric: async (ex, prediction) => (metric ??= designMetric({ pool: await pool.get() }))(ex, prediction),
        loadExamples: (file) => sigs.designExamples(isBuiltinData(file, "reference") ? sigs.DESIGN_PROBLEMS : readDesignProblems(file)) as never,
        close: pool.close,
      };
    },
  },
];

export function findCompileTask(name: string): BuiltinTask | undefined {
  return compileTasks.find((t) => t.name === name);
}
