// `otpforge compile TASK`: tune a program's prompts against a metric. The work
// is @otpforge/teleprompters' compileTaskToDir; this verb resolves the task and
// the model, shows progress, and prints a summary.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { NoLMConfiguredError, lm as makeLM, lmFromEnv, writeReport, type LM } from "@otpforge/core";
import { TASK_NAMES, isTaskName, openTask } from "@otpforge/tasks";
import {
  OPTIMIZERS,
  compileReportInput,
  compileTaskToDir,
  loadTaskModule,
  type CompileTask,
  type CompileTaskResult,
  type OptimizerName,
  type ProgressEvent,
} from "@otpforge/teleprompters";
import { intOption, lmOptions, parseVerbArgs } from "../args.js";
import { EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";

/** A task whose metric may hold a BEAM pool until close(). */
type LoadedTask = CompileTask & { close?(): Promise<void> };

export const compile: Verb = {
  name: "compile",
  summary: "tune a program's demos and instructions against a metric; writes a self-checking artifact",
  get help() {
    return `Usage: otpforge compile TASK --trainset F [--valset F] --out DIR [options]

TASK is a built-in task or the path of a task module (.ts or .js) exporting
  program        a Module, a Module class, or a function returning a fresh one
  metric         (example, prediction, trace?) => number | boolean | { score }
  loadExamples   (file) => Example[]   (loadJsonlExamples(file, ["question"]) reads JSONL)
  name           optional; the artifact's name (default: the file name)
  metricThreshold optional; a bootstrapped run becomes a demo only at or above it
Built-in tasks (from @otpforge/tasks):
${TASK_NAMES.map((n) => `  ${n.padEnd(8)} ${openTask(n).summary}`).join("\n")}

Splits: when the examples of a file carry "split" (as \`otpforge dataset traces\`
writes them), compile trains on its train split and validates on its dev split
(from --valset F if given, else from the trainset file). The test split is
refused unless --allow-test-split. The artifact records the splits it saw.

Writes DIR/artifact.json (program, signatures, demos, instructions, scores,
content hash) and DIR/prompts/<predictor>.json (rendered prompts with {{input}}
placeholders). An interrupted run leaves DIR/.checkpoint; rerunning the same
command continues it and ends with the same artifact.

Options:
  --optimizer NAME     ${OPTIMIZERS.join(" | ")} (default bootstrap)
  --lm P/M             model, e.g. openai/gpt-5-mini (default: OTPFORGE_LM)
  --lm-option K=V      a provider parameter for every call (repeatable): top_p=0.9, seed=7, reasoning_effort=low
  --seed S             seeds every random choice (default 0)
  --budget-calls N     stop after N LM requests (cache hits are free)
  --budget-tokens N    stop once N tokens are spent
  --budget-cost USD    stop once the estimated cost reaches USD
  --concurrency N      program runs at once (default 8; the result does not depend on it)
  --max-demos N        bootstrapped demos per predictor (default 4)
  --max-labeled N      demos per predictor in total (default 16)
  --max-rounds N       bootstrap tries per example (default 1)
  --max-errors N       stop at the Nth failed program run (default 10, as DSPy)
  --split S            the split to train on (default train)
  --val-split S        the split to validate on (default dev)
  --allow-test-split   allow the test split for training or validation
  --runs K             fix-bug: harness runs a fix must pass (default 5, as eval)
  --candidates N       random-search: shuffled candidates (default 16)
  --instructions       random-search: also tune instructions with an LM
  --report R.html      also write a self-contained HTML report (zero-shot beside compiled on the
                       valset, candidates, failures, the tuned prompt)
  --json               one JSON object with the summary

Exit codes: 0 compiled (also when a budget stopped it early: the summary says
so), 1 too many program runs failed, 2 bad usage, bad input or no model.

Examples:
  otpforge compile trace --trainset out/demo/traces.jsonl --out build/trace
  otpforge compile ./spell-task.ts --trainset train.jsonl --valset dev.jsonl --out build/spell
  otpforge compile ./spell-task.ts --trainset train.jsonl --valset dev.jsonl --optimizer random-search --candidates 8 --budget-calls 500 --out build/spell
  otpforge compile ./spell-task.ts --trainset train.jsonl --optimizer labeled --out build/spell --json`;
  },

  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("compile", argv, {
      trainset: { type: "string" },
      valset: { type: "string" },
      out: { type: "string" },
      optimizer: { type: "string" },
      lm: { type: "string" },
      "lm-option": { type: "string", multiple: true },
      seed: { type: "string" },
      "budget-calls": { type: "string" },
      "budget-tokens": { type: "string" },
      "budget-cost": { type: "string" },
      concurrency: { type: "string" },
      "max-demos": { type: "string" },
      "max-labeled": { type: "string" },
      "max-rounds": { type: "string" },
      "max-errors": { type: "string" },
      candidates: { type: "string" },
      instructions: { type: "boolean" },
      report: { type: "string" },
      split: { type: "string" },
      "val-split": { type: "string" },
      "allow-test-split": { type: "boolean" },
      runs: { type: "string" },
    });
    if (positionals.length !== 1)
      throw new UsageError(
        `give exactly one TASK (a built-in task or a task module path), got ${positionals.length}. See \`otpforge compile --help\`.`,
      );
    if (!values.trainset) throw new UsageError("missing --trainset F: the labeled examples to tune on");
    if (!values.out) throw new UsageError("missing --out DIR: where to write artifact.json and prompts/");
    const optimizer = (values.optimizer ?? "bootstrap") as OptimizerName;
    if (!OPTIMIZERS.includes(optimizer))
      throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(", ")}, got "${values.optimizer}"`);
    if (values.instructions && optimizer !== "random-search") throw new UsageError("--instructions works with --optimizer random-search");
    const budget = {
      ...(values["budget-calls"] !== undefined ? { maxLMCalls: intOption(values["budget-calls"], "budget-calls", 0, 0) } : {}),
      ...(values["budget-tokens"] !== undefined ? { maxTokens: intOption(values["budget-tokens"], "budget-tokens", 0, 0) } : {}),
      ...(values["budget-cost"] !== undefined ? { maxCost: costOption(values["budget-cost"]) } : {}),
    };

    const task = await resolveTask(positionals[0]!, io, values.runs !== undefined ? { runs: intOption(values.runs, "runs", 5) } : {});
    const model = resolveModel(values.lm, io, lmOptions(values["lm-option"]));
    if (!model && optimizer !== "labeled") throw new NoLMConfiguredError();
    // A built-in task's data keyword (e.g. `catalog`) is no path.
    const builtin = (task as { builtinData?: string }).builtinData;
    const dataPath = (v: string) => (v === builtin ? v : resolve(io.cwd, v));
    const valset = values.valset && model ? dataPath(values.valset) : undefined;
    if (values.valset && !model && !values.json) io.stderr("note: no model configured, so the valset is not scored\n");

    const progress = io.isTTY && !values.json ? progressPrinter(io) : undefined;
    let outcome: CompileTaskResult;
    try {
      outcome = await compileTaskToDir(task, {
        trainsetFile: dataPath(values.trainset),
        ...(valset ? { valsetFile: valset } : {}),
        ...(values.split !== undefined ? { trainSplit: values.split } : {}),
        ...(values["val-split"] !== undefined ? { valSplit: values["val-split"] } : {}),
        ...(values["allow-test-split"] ? { allowTestSplit: true } : {}),
        // Without a model nothing can be scored (the labeled optimizer): the valset is only checked.
        scoreBaseline: model !== undefined,
        validate: model !== undefined,
        optimizer,
        ...(model ? { lm: model } : {}),
        seed: intOption(values.seed, "seed", 0, 0),
        budget,
        concurrency: intOption(values.concurrency, "concurrency", 8),
        ...(values["max-demos"] !== undefined ? { maxBootstrappedDemos: intOption(values["max-demos"], "max-demos", 4, 0) } : {}),
        ...(values["max-labeled"] !== undefined ? { maxLabeledDemos: intOption(values["max-labeled"], "max-labeled", 16, 0) } : {}),
        ...(values["max-rounds"] !== undefined ? { maxRounds: intOption(values["max-rounds"], "max-rounds", 1) } : {}),
        ...(values["max-errors"] !== undefined ? { maxErrors: intOption(values["max-errors"], "max-errors", 10, 0) } : {}),
        ...(values.candidates !== undefined ? { numCandidates: intOption(values.candidates, "candidates", 16, 0) } : {}),
        ...(values.instructions ? { instructions: true } : {}),
        out: resolve(io.cwd, values.out),
        ...(progress ? { onProgress: progress.update } : {}),
      });
    } catch (err) {
      progress?.done();
      await task.close?.();
      // Every error declares its code and category; runCli prints and maps them.
      throw err;
    }
    progress?.done();
    await task.close?.();
    if (values.report) writeReport(resolve(io.cwd, values.report), compileReportInput(task.name, outcome, task.reportCategory?.bind(task)));
    if (values.json) io.stdout(JSON.stringify(summaryJson(task, outcome)) + "\n");
    else io.stdout(summaryText(task, outcome));
    return EXIT_OK;
  },
};

async function resolveTask(name: string, io: CliIO, options: { runs?: number }): Promise<LoadedTask> {
  if (isTaskName(name)) return openTask(name, options);
  const path = resolve(io.cwd, name);
  if (existsSync(path)) return loadTaskModule(path);
  throw new UsageError(
    `"${name}" is neither a built-in task (${TASK_NAMES.join(", ")}) nor an existing task module file. ` +
      "See `otpforge compile --help` for the module shape.",
  );
}

function resolveModel(spec: string | undefined, io: CliIO, providerOptions?: Record<string, unknown>): LM | undefined {
  const options = { env: io.env, ...(providerOptions ? { providerOptions } : {}) };
  // An LMConfigError (unknown provider, missing key) is bad input: runCli maps it.
  return spec ? makeLM(spec, options) : lmFromEnv(options);
}

function costOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--budget-cost must be a non-negative number of US dollars, got "${value}"`);
  return n;
}

/** One status line on stderr, redrawn per event (only on a TTY). */
function progressPrinter(io: CliIO) {
  let drawn = false;
  return {
    update: (e: ProgressEvent) => {
      const what = `${e.phase}${e.candidate && e.candidate !== e.phase ? ` ${e.candidate}` : ""}`;
      io.stderr(`\r\x1b[2K${what} ${e.done}/${e.total}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr("\r\x1b[2K");
    },
  };
}

function summaryJson(task: CompileTask, o: CompileTaskResult) {
  const a = o.result.artifact;
  return {
    ok: true,
    task: task.name,
    optimizer: a.optimizer.name,
    seed: a.optimizer.seed,
    artifact: o.artifactPath,
    prompts: o.promptsDir,
    contentHash: a.contentHash,
    trainset: o.trainsetSize,
    ...(o.valsetSize !== undefined ? { valset: o.valsetSize } : {}),
    splits: o.splits,
    scores: a.scores,
    demos: Object.fromEntries(a.predictors.map((p) => [p.name, p.demos.length])),
    stoppedBy: o.result.stoppedBy,
    spend: o.result.spend,
    resumedSteps: o.result.resumedSteps,
  };
}

function summaryText(task: CompileTask, o: CompileTaskResult): string {
  const a = o.result.artifact;
  const s = o.result.spend;
  const lines = [
    `compiled ${task.name} with ${a.optimizer.name} (seed ${a.optimizer.seed})`,
    `  data        trainset ${o.trainsetSize}${o.splits.train ? ` (split ${o.splits.train})` : ""}` +
      (o.valsetSize !== undefined ? `, valset ${o.valsetSize}${o.splits.val ? ` (split ${o.splits.val})` : ""}` : ""),
    `  score       ${a.scores.val !== undefined ? `val ${a.scores.val.toFixed(1)}` : "val not measured"}` +
      (a.scores.bootstrap ? `   bootstrap ${a.scores.bootstrap.passed}/${a.scores.bootstrap.attempted} passed` : "") +
      (a.scores.baseline !== undefined ? `   zero-shot val ${a.scores.baseline.toFixed(1)}` : ""),
    `  demos       ${a.predictors.map((p) => `${p.name} ${p.demos.length}`).join(", ")}`,
    `  LM          ${s.calls} calls, ${s.cacheHits} cache hits, ${s.tokens} tokens${s.costUSD ? `, $${s.costUSD.toFixed(4)}` : ""}` +
      (o.result.resumedSteps ? `   (${o.result.resumedSteps} steps resumed from the checkpoint)` : ""),
  ];
  if (a.scores.candidates.length) {
    lines.push(
      "  candidates  " +
        a.scores.candidates
          .slice(0, 5)
          .map((c) => `${c.id} ${c.score.toFixed(1)}`)
          .join(", ") +
        (a.scores.candidates.length > 5 ? `, … (${a.scores.candidates.length})` : ""),
    );
  }
  if (o.result.stoppedBy) {
    const b = o.result.stoppedBy;
    lines.push(
      `  stopped     budget ${b.budget} (${b.limit}) ran out: this is the best program found so far; rerun with a larger budget to continue`,
    );
  }
  lines.push(`  artifact    ${o.artifactPath}  (content ${a.contentHash.slice(0, 12)})`, `  prompts     ${o.promptsDir}/`, "");
  return lines.join("\n");
}
