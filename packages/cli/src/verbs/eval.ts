// `otpforge eval fix-bug|design|reasoning`: the brief's three evals. The
// evals live in @otpforge/metrics; this verb loads the data and the program,
// picks the LM, prints a summary by category and writes per-example records.
import { resolve } from "node:path";
import { lmFromEnv, lm as lmFromSpec, writeReport, withSettings, type LM } from "@otpforge/core";
import {
  evalReportInput,
  formatDesignDetails,
  formatEvalSummary,
  writeEvalRecords,
  type CriticOption,
  type DesignEvalResult,
  type EvalResult,
} from "@otpforge/metrics";
import { TASK_NAMES, isTaskName, openTask, selectEvalSplit, type OtpTask, type TaskName } from "@otpforge/tasks";
import { loadCompiledFile, renderPrompts } from "@otpforge/teleprompters";
import { intOption, lmOptions, MAX_JOB_TIMEOUT_MS, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type Verb } from "../verb.js";

/** `reasoning` is the brief's name for the trace eval. */
const ALIASES: Record<string, TaskName> = { reasoning: "trace" };

export const evalVerb: Verb = {
  name: "eval",
  summary: "run an eval (fix-bug, design, trace) and report scores by category",
  help: `Usage: otpforge eval TASK --data F.jsonl [--split S] [--program ARTIFACT] [--lm P/M] [--out R.jsonl] [--report R.html] [--runs K] [--json]

Tasks:
  fix-bug     FixBugProgram gets buggy code and the explanation of its bug; its
              fixed_code must pass the held-out harness in all K runs
              (--data catalog: the reference catalog's pairs; a file of
              \`otpforge dataset scenarios\` is fix-bug data too)
  design      a SystemDesign program (predictor "design") answers each design
              problem; its skeleton is compiled, started, inspected and faulted
              (--data reference: the reference design problems). Also prints
              the pass rate per requirement kind and, per failed requirement,
              the scenario that exposed it (JSON: byKind, failedRequirements)
  trace       TraceProgram answers trace questions (from \`otpforge dataset
              traces\`), graded against the answers observed on the BEAM
              (also called reasoning, the brief's name)
  scenario    ScenarioProgram writes a bug/fix scenario per anti-pattern; one
              scores 1 when the BEAM proves it (--data catalog: the catalog's
              anti-patterns, dev and test split by anti-pattern)

Options:
  --data F          the eval data (JSONL), or the built-in set named above
  --program DIR     a compiled program artifact to evaluate (default: the
                    uncompiled program)
  --lm P/M          the model, e.g. openai/gpt-5-mini (default: OTPFORGE_LM)
  --lm-option K=V   a provider parameter for every call (repeatable): top_p=0.9, seed=7, reasoning_effort=low
  --out R.jsonl     write one record per example
  --report R.html   write a self-contained HTML report (scores by category, failures)
  --runs K          fix-bug: harness runs per candidate fix (default 5)
  --split S         the split to score when the records carry one (default
                    test; "all" scores every record). The summary names it.
  --concurrency N   examples in flight (default 4)
  --timeout-ms N    time limit of one harness run (default 8000)
  --critic P/M      design: a model also reads each checked design's
                    otp_architecture beside its skeleton and the story; its
                    score is printed apart and is never above execution's
                    ("auto": the --lm model)
  --json            print the summary and the records as one JSON object

Exit codes: 0 the eval ran, 1 it ran but some example errored, 2 bad usage,
bad data or no model configured.

Examples:
  otpforge eval fix-bug --data catalog --lm openai/gpt-5-mini
  otpforge eval fix-bug --data fixes.jsonl --program artifacts/fix-bug --out records.jsonl --json
  otpforge eval design --data reference --lm anthropic/claude-haiku-4-5
  otpforge eval design --data reference --lm openai/gpt-5-mini --critic anthropic/claude-sonnet-4-5
  otpforge eval trace --data traces.jsonl --split test --program artifacts/trace`,

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
      critic: { type: "string" },
    });
    const [taskName, ...extra] = positionals;
    if (!taskName) throw new UsageError(`say which eval to run: ${TASK_NAMES.join(", ")}. See \`otpforge eval --help\`.`);
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(" ")}.`);
    const name = ALIASES[taskName] ?? taskName;
    if (!isTaskName(name)) throw new UsageError(`unknown eval "${taskName}"; known: ${TASK_NAMES.join(", ")}.`);
    const task: OtpTask = openTask(name, {
      runs: intOption(values.runs, "runs", 5),
      timeoutMs: intOption(values["timeout-ms"], "timeout-ms", 8_000, 100, MAX_JOB_TIMEOUT_MS),
    });
    if (!values.data) throw new UsageError(`--data is required (a JSONL file${task.builtinData ? `, or "${task.builtinData}"` : ""}).`);
    const data = values.data === task.builtinData ? values.data : resolve(io.cwd, values.data);
    const programPath = values.program ? resolve(io.cwd, values.program) : undefined;

    // A bad model spec or a missing key is an LMConfigError (bad input): runCli maps it.
    let model: LM | undefined;
    const providerOptions = lmOptions(values["lm-option"]);
    if (values.lm) model = lmFromSpec(values.lm, { env: io.env, ...(providerOptions ? { providerOptions } : {}) });
    else if (providerOptions) model = lmFromEnv({ env: io.env, providerOptions });

    // The critic reads prose only a model can: it is asked for by name, never implied by --lm.
    if (values.critic !== undefined && name !== "design")
      throw new UsageError(`--critic is for the design eval only (it reads a design's otp_architecture).`);
    // "auto" is resolved by evalDesign (criticLM): the model the eval runs with.
    const critic: CriticOption | undefined =
      values.critic === undefined || values.critic === "auto"
        ? values.critic
        : lmFromSpec(values.critic, { env: io.env, ...(providerOptions ? { providerOptions } : {}) });

    // Records with splits are scored on one of them (test unless told), and the output says which.
    const { split, records: chosen } = selectEvalSplit(task.readRecords(data) as Array<{ split?: unknown }>, values.split, values.data);

    const program = task.program();
    if (programPath) await loadCompiledFile(program, programPath);
    const run = () =>
      task.evaluate(program, chosen, {
        concurrency: intOption(values.concurrency, "concurrency", 4),
        progress: io.isTTY && !values.json,
        ...(critic ? { critic } : {}),
      });
    let result: EvalResult;
    try {
      result = model ? await withSettings({ lm: model }, run) : await run();
    } finally {
      await task.close();
    }
    const scored = { ...result, ...(split ? { split } : {}) };

    if (values.out) writeEvalRecords(resolve(io.cwd, values.out), result.records);
    if (values.report) {
      const meta = { data: values.data, ...(model ? { model: model.id } : {}), ...(values.program ? { program: values.program } : {}) };
      const prompts = Object.values(renderPrompts(program)).map((p) => ({ predictor: p.predictor, messages: p.messages }));
      writeReport(resolve(io.cwd, values.report), { ...evalReportInput(result, { meta, ...(split ? { split } : {}) }), prompts });
    }
    if (values.json) io.stdout(JSON.stringify(scored) + "\n");
    else {
      if (split) io.stdout(`split: ${split}\n`);
      io.stdout(formatEvalSummary(result));
      // Design: pass rates per requirement kind, and the scenario behind each failed requirement.
      if (name === "design") io.stdout(formatDesignDetails(result as DesignEvalResult));
      if (values.out) io.stdout(`records: ${resolve(io.cwd, values.out)}\n`);
      if (values.report) io.stdout(`report: ${resolve(io.cwd, values.report)}\n`);
    }
    return result.errors > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
