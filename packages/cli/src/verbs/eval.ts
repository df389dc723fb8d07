// `otpforge eval fix-bug|design|reasoning`: the brief's three evals. The
// evals live in @otpforge/metrics; this verb loads the data and the program,
// picks the LM, prints a summary by category and writes per-example records.
import { resolve } from "node:path";
import { InvalidStateError, lmFromEnv, lm as lmFromSpec, writeReport, NoLMConfiguredError, OtpforgeError, StateMismatchError, withSettings, type LM } from "@otpforge/core";
import {
  DesignDataError, evalDesign, evalFixBug, evalReasoning, evalReportInput, FixBugDataError, formatEvalSummary, readDesignProblems, readFixBugCases,
  readTraceExamples, TraceDataError, writeEvalRecords, type EvalResult,
} from "@otpforge/metrics";
import { DESIGN_PROBLEMS, fixBugCases, FixBugProgram, InvalidDesignProblemError, SystemDesignProgram, TraceProgram } from "@otpforge/otp-signatures";
import { ArtifactFormatError, ArtifactIntegrityError, ArtifactMismatchError, ArtifactNotFoundError, loadCompiledFile } from "@otpforge/teleprompters";
import { intOption, lmOptions, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";

interface EvalArgs {
  /** A path, or the built-in set's keyword (BUILTIN_DATA). */
  data: string;
  split: string | undefined;
  program: string | undefined;
  runs: number;
  concurrency: number;
  timeoutMs: number;
  progress: boolean;
}

type TaskRunner = (args: EvalArgs, io: CliIO) => Promise<EvalResult>;

/** The keyword that names a task's built-in data instead of a file. */
const BUILTIN_DATA: Record<string, string> = { "fix-bug": "catalog", design: "reference" };

const TASKS: Record<string, TaskRunner> = {
  "fix-bug": async (args) => {
    const cases = args.data === BUILTIN_DATA["fix-bug"] ? fixBugCases() : readFixBugCases(args.data);
    const program = new FixBugProgram();
    if (args.program) await loadCompiledFile(program, args.program);
    return evalFixBug(program, cases, { runs: args.runs, concurrency: args.concurrency, timeoutMs: args.timeoutMs, progress: args.progress });
  },
  design: async (args) => {
    const problems = args.data === BUILTIN_DATA["design"] ? DESIGN_PROBLEMS : readDesignProblems(args.data);
    const program = new SystemDesignProgram();
    if (args.program) await loadCompiledFile(program, args.program);
    return evalDesign(program, problems, { concurrency: args.concurrency, progress: args.progress });
  },
  reasoning: async (args) => {
    const examples = readTraceExamples(args.data);
    const program = new TraceProgram();
    if (args.program) await loadCompiledFile(program, args.program);
    return evalReasoning(program, examples, { concurrency: args.concurrency, progress: args.progress, ...(args.split ? { split: args.split } : {}) });
  },
};

export const evalVerb: Verb = {
  name: "eval",
  summary: "run an eval (fix-bug, design, reasoning) and report scores by category",
  help: `Usage: otpforge eval TASK --data F.jsonl [--program ARTIFACT] [--lm P/M] [--out R.jsonl] [--report R.html] [--runs K] [--json]

Tasks:
  fix-bug     FixBugProgram gets buggy code and the explanation of its bug; its
              fixed_code must pass the held-out harness in all K runs
              (--data catalog: the reference catalog's pairs)
  design      a SystemDesign program (predictor "design") answers each design
              problem; its skeleton is compiled, started, inspected and faulted
              (--data reference: the reference design problems)
  reasoning   TraceProgram answers trace questions (from \`otpforge dataset
              traces\`), graded against the answers observed on the BEAM

Options:
  --data F          the eval data (JSONL), or the built-in set named above
  --program DIR     a compiled program artifact to evaluate (default: the
                    uncompiled program)
  --lm P/M          the model, e.g. openai/gpt-5-mini (default: OTPFORGE_LM)
  --lm-option K=V   a provider parameter for every call (repeatable): top_p=0.9, seed=7, reasoning_effort=low
  --out R.jsonl     write one record per example
  --report R.html   write a self-contained HTML report (scores by category, failures)
  --runs K          fix-bug: harness runs per candidate fix (default 5)
  --split S         reasoning: only examples of this split (e.g. test)
  --concurrency N   examples in flight (default 4)
  --timeout-ms N    time limit of one harness run (default 8000)
  --json            print the summary and the records as one JSON object

Exit codes: 0 the eval ran, 1 it ran but some example errored, 2 bad usage,
bad data or no model configured.

Examples:
  otpforge eval fix-bug --data catalog --lm openai/gpt-5-mini
  otpforge eval fix-bug --data fixes.jsonl --program artifacts/fix-bug --out records.jsonl --json
  otpforge eval design --data reference --lm anthropic/claude-haiku-4-5
  otpforge eval reasoning --data traces.jsonl --split test --program artifacts/trace`,

  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("eval", argv, {
      data: { type: "string" },
      program: { type: "string" },
      lm: { type: "string" },
      "lm-option": { type: "string", multiple: true },
      out: { type: "string" },
      runs: { type: "string" },
      concurrency: { type: "string" },
      "timeout-ms": { type: "string" },
      split: { type: "string" },
      report: { type: "string" },
    });
    const [task, ...extra] = positionals;
    if (!task) throw new UsageError(`say which eval to run: ${Object.keys(TASKS).join(", ")}. See \`otpforge eval --help\`.`);
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(" ")}.`);
    const runner = TASKS[task];
    if (!runner) throw new UsageError(`unknown eval "${task}"; known: ${Object.keys(TASKS).join(", ")}.`);
    const builtin = BUILTIN_DATA[task];
    if (!values.data) throw new UsageError(`--data is required (a JSONL file${builtin ? `, or "${builtin}"` : ""}).`);
    const args: EvalArgs = {
      data: values.data === builtin ? builtin : resolve(io.cwd, values.data),
      split: values.split,
      program: values.program ? resolve(io.cwd, values.program) : undefined,
      runs: intOption(values.runs, "runs", 5),
      concurrency: intOption(values.concurrency, "concurrency", 4),
      timeoutMs: intOption(values["timeout-ms"], "timeout-ms", 8_000, 100),
      progress: io.isTTY && !values.json,
    };

    let model: LM | undefined;
    try {
      const providerOptions = lmOptions(values["lm-option"]);
      if (values.lm) model = lmFromSpec(values.lm, { env: io.env, ...(providerOptions ? { providerOptions } : {}) });
      else if (providerOptions) {
        const fromEnv = lmFromEnv({ env: io.env, providerOptions });
        if (fromEnv) model = fromEnv;
      }
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
    if (values.report) {
      const meta = { data: values.data, ...(model ? { model: model.id } : {}), ...(values.program ? { program: values.program } : {}) };
      writeReport(resolve(io.cwd, values.report), evalReportInput(result, { meta }));
    }
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else {
      io.stdout(formatEvalSummary(result));
      if (values.out) io.stdout(`records: ${resolve(io.cwd, values.out)}\n`);
      if (values.report) io.stdout(`report: ${resolve(io.cwd, values.report)}\n`);
    }
    return result.errors > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

// Errors that mean "fix your input or configuration" (exit 2), not "the eval failed".
const INPUT_ERRORS: Array<abstract new (...args: never[]) => Error> = [
  NoLMConfiguredError, FixBugDataError, DesignDataError, InvalidDesignProblemError, TraceDataError, InvalidStateError, StateMismatchError,
  ArtifactFormatError, ArtifactIntegrityError, ArtifactMismatchError, ArtifactNotFoundError,
];
