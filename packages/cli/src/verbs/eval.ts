// `otpforge eval fix-bug|design|reasoning`: the brief's three evals. The
// evals live in @otpforge/metrics; this verb loads the data and the program,
// picks the LM, prints a summary by category and writes per-example records.
import { resolve } from "node:path";
import { InvalidStateError, lm as lmFromSpec, NoLMConfiguredError, OtpforgeError, StateMismatchError, withSettings, type LM } from "@otpforge/core";
import { evalFixBug, FixBugDataError, formatEvalSummary, readFixBugCases, writeEvalRecords, type EvalResult } from "@otpforge/metrics";
import { fixBugCases, FixBugProgram } from "@otpforge/otp-signatures";
import { ArtifactFormatError, ArtifactIntegrityError, ArtifactMismatchError, ArtifactNotFoundError, loadCompiledFile } from "@otpforge/teleprompters";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";

interface EvalArgs {
  data: string;
  program: string | undefined;
  runs: number;
  concurrency: number;
  timeoutMs: number;
  progress: boolean;
}

type TaskRunner = (args: EvalArgs, io: CliIO) => Promise<EvalResult>;

const TASKS: Record<string, TaskRunner> = {
  "fix-bug": async (args) => {
    const cases = args.data === "catalog" ? fixBugCases() : readFixBugCases(args.data);
    const program = new FixBugProgram();
    if (args.program) await loadCompiledFile(program, args.program);
    return evalFixBug(program, cases, { runs: args.runs, concurrency: args.concurrency, timeoutMs: args.timeoutMs, progress: args.progress });
  },
};

export const evalVerb: Verb = {
  name: "eval",
  summary: "run an eval (fix-bug, design, reasoning) and report scores by category",
  help: `Usage: otpforge eval TASK --data F.jsonl [--program ARTIFACT] [--lm P/M] [--out R.jsonl] [--runs K] [--concurrency N] [--json]

Tasks:
  fix-bug     the program gets buggy code and the explanation of its bug; its
              fixed_code must pass the held-out harness in all K runs
              (--data catalog uses the reference catalog's pairs)
  design      the design problems, graded by starting the skeleton's tree
  reasoning   trace questions, graded against answers observed on the BEAM

Options:
  --data F          the eval data (JSONL); fix-bug also accepts "catalog"
  --program DIR     a compiled program artifact to evaluate (default: the
                    uncompiled program)
  --lm P/M          the model, e.g. openai/gpt-4o-mini (default: OTPFORGE_LM)
  --out R.jsonl     write one record per example
  --runs K          fix-bug: harness runs per candidate fix (default 5)
  --concurrency N   examples in flight (default 4)
  --timeout-ms N    time limit of one harness run (default 8000)
  --json            print the summary and the records as one JSON object

Exit codes: 0 the eval ran, 1 it ran but some example errored, 2 bad usage,
bad data or no model configured.

Examples:
  otpforge eval fix-bug --data catalog --lm openai/gpt-4o-mini
  otpforge eval fix-bug --data fixes.jsonl --program artifacts/fix-bug --out records.jsonl --json`,

  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("eval", argv, {
      data: { type: "string" },
      program: { type: "string" },
      lm: { type: "string" },
      out: { type: "string" },
      runs: { type: "string" },
      concurrency: { type: "string" },
      "timeout-ms": { type: "string" },
    });
    const [task, ...extra] = positionals;
    if (!task) throw new UsageError(`say which eval to run: ${Object.keys(TASKS).join(", ")}. See \`otpforge eval --help\`.`);
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(" ")}.`);
    const runner = TASKS[task];
    if (!runner) throw new UsageError(`unknown eval "${task}"; known: ${Object.keys(TASKS).join(", ")}.`);
    if (!values.data) throw new UsageError(`--data is required (a JSONL file${task === "fix-bug" ? ', or "catalog"' : ""}).`);
    const args: EvalArgs = {
      data: task === "fix-bug" && values.data === "catalog" ? "catalog" : resolve(io.cwd, values.data),
      program: values.program ? resolve(io.cwd, values.program) : undefined,
      runs: intOption(values.runs, "runs", 5),
      concurrency: intOption(values.concurrency, "concurrency", 4),
      timeoutMs: intOption(values["timeout-ms"], "timeout-ms", 8_000, 100),
      progress: io.isTTY && !values.json,
    };

    let model: LM | undefined;
    try {
      if (values.lm) model = lmFromSpec(values.lm, { env: io.env });
    } catch (err) {
      if (err instanceof OtpforgeError) throw new UsageError(err.message);
      throw err;
    }

    let result: EvalResult;
    try {
      result = model ? await withSettings({ lm: model }, () => runner(args, io)) : await runner(args, io);
    } catch (err) {
      // Bad data, a mismatching artifact, or no model: input problems, not eval failures.
      if (INPUT_ERRORS.some((E) => err instanceof E)) throw new UsageError((err as Error).message);
      throw err;
    }

    if (values.out) writeEvalRecords(resolve(io.cwd, values.out), result.records);
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else {
      io.stdout(formatEvalSummary(result));
      if (values.out) io.stdout(`records: ${resolve(io.cwd, values.out)}\n`);
    }
    return result.errors > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

// Errors that mean "fix your input or configuration" (exit 2), not "the eval failed".
const INPUT_ERRORS: Array<abstract new (...args: never[]) => Error> = [
  NoLMConfiguredError, FixBugDataError, InvalidStateError, StateMismatchError,
  ArtifactFormatError, ArtifactIntegrityError, ArtifactMismatchError, ArtifactNotFoundError,
];
