// Built-in tasks that `otpforge compile TASK` (and any verb that tunes or
// evaluates a program) can name instead of a task module path. Each task's
// issue adds one entry; `load` imports lazily so the CLI starts fast and a
// task's heavy dependencies load only when it is used.
import type { CompileTask } from "@otpforge/teleprompters";

export interface BuiltinTask {
  name: string;
  /** One line for --help. */
  summary: string;
  /** What --trainset/--valset files hold, for --help. */
  data: string;
  load(): Promise<CompileTask>;
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
        loadExamples: (file) => readTraceExamples(file).map((e) => example({ ...e }).withInputs(...TRACE_INPUT_FIELDS)),
      };
    },
  },
];

export function findCompileTask(name: string): BuiltinTask | undefined {
  return compileTasks.find((t) => t.name === name);
}
