import { readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { Example, LM, Module } from "@otpforge/core";
import { writeArtifactDir, ARTIFACT_FILE, PROMPTS_DIR } from "../artifact/files.js";
import { renderPrompts } from "../artifact/prompts.js";
import type { Budget } from "../run/budget.js";
import type { ProgressEvent } from "../run/run-context.js";
import { BootstrapFewShot } from "../optimizers/bootstrap-few-shot.js";
import { LabeledFewShot } from "../optimizers/labeled-few-shot.js";
import { BootstrapFewShotWithRandomSearch } from "../optimizers/random-search.js";
import { CompileInputError, type CompileResult, type Teleprompter } from "../optimizers/teleprompter.js";
import type { CompileTask } from "./compile-task.js";
import { ExamplesFileError } from "./examples-file.js";

export const OPTIMIZERS = ["labeled", "bootstrap", "random-search"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface CompileTaskOptions {
  trainsetFile: string;
  /** Default: the valSplit examples of the trainset file, when its examples carry splits. */
  valsetFile?: string;
  /** Which split of a file whose examples carry `split` to train on. Default "train". */
  trainSplit?: string;
  /** Which split to validate on (from valsetFile, or else from the trainset file). Default "dev". */
  valSplit?: string;
  /** Let the test split be trained or validated on (refused otherwise). */
  allowTestSplit?: boolean;
  /** false: no valset at all (e.g. no model to score with). Default true. */
  validate?: boolean;
  /** Also score the uncompiled program on the valset (artifact scores.baseline). */
  scoreBaseline?: boolean;
  optimizer?: OptimizerName;
  lm?: LM;
  seed?: number;
  budget?: Budget;
  concurrency?: number;
  maxErrors?: number;
  /** Output directory: artifact.json, prompts/, and .checkpoint/ while the run is unfinished. */
  out: string;
  maxBootstrappedDemos?: number;
  maxLabeledDemos?: number;
  maxRounds?: number;
  /** random-search: shuffled candidates. */
  numCandidates?: number;
  /** random-search: also tune instructions afterwards. */
  instructions?: boolean;
  stopAtScore?: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface CompileTaskResult {
  result: CompileResult<Module>;
  artifactPath: string;
  promptsDir: string;
  trainsetSize: number;
  valsetSize?: number;
  /** The splits trained and validated on, when the data carries splits. */
  splits: { train?: string; val?: string };
}

/**
 * The whole `otpforge compile` job for a task: read the data, run the chosen
 * optimizer with a checkpoint under OUT/.checkpoint, and write OUT/artifact.json
 * plus OUT/prompts/<predictor>.json.
 */
export async function compileTaskToDir(task: CompileTask, options: CompileTaskOptions): Promise<CompileTaskResult> {
  const trainSplit = options.trainSplit ?? "train";
  const valSplit = options.valSplit ?? "dev";
  for (const [flag, split] of [
    ["--split", trainSplit],
    ["--val-split", valSplit],
  ] as const) {
    if (split === "test" && !options.allowTestSplit) {
      throw new CompileInputError(
        `${flag} test: the test split is for reporting, not for tuning; pass --allow-test-split (allowTestSplit) if you mean it`,
      );
    }
  }
  const trainFile = await loadSet(task, options.trainsetFile, "trainset");
  const trainset = pickSplit(trainFile, trainSplit, options.trainSplit !== undefined, options.trainsetFile, "trainset");
  let valset: Example[] | undefined;
  if (options.validate === false) {
    valset = undefined;
  } else if (options.valsetFile) {
    valset = pickSplit(
      await loadSet(task, options.valsetFile, "valset"),
      valSplit,
      options.valSplit !== undefined,
      options.valsetFile,
      "valset",
    );
  } else if (hasSplits(trainFile) && trainFile.some((e) => e.data.split === valSplit)) {
    // A file that holds all splits validates on its dev split.
    valset = trainFile.filter((e) => e.data.split === valSplit);
  }
  const optimizer = makeOptimizer(task, options);
  const checkpointDir = join(options.out, ".checkpoint");
  const result = await optimizer.compile(task.program(), {
    trainset,
    ...(valset ? { valset } : {}),
    ...(options.lm ? { lm: options.lm } : {}),
    seed: options.seed ?? 0,
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.maxErrors !== undefined ? { maxErrors: options.maxErrors } : {}),
    checkpointDir,
    ...(options.allowTestSplit ? { allowTestSplit: true } : {}),
    ...(options.scoreBaseline ? { scoreBaseline: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
    name: task.name,
  });
  await writeArtifactDir(options.out, result.artifact, renderPrompts(result.program));
  // The checkpoint folder goes once the run is complete (a budget-stopped run keeps it for a rerun).
  if ((await readdir(checkpointDir).catch(() => ["?"])).length === 0) await rmdir(checkpointDir).catch(() => undefined);
  return {
    result,
    artifactPath: join(options.out, ARTIFACT_FILE),
    promptsDir: join(options.out, PROMPTS_DIR),
    trainsetSize: trainset.length,
    ...(valset ? { valsetSize: valset.length } : {}),
    splits: {
      ...(hasSplits(trainset) ? { train: trainSplit } : {}),
      ...(valset && hasSplits(valset) ? { val: valSplit } : {}),
    },
  };
}

const hasSplits = (examples: readonly Example[]) => examples.some((e) => typeof e.data.split === "string");

/** The examples of one split; a file without splits is used whole (unless a split was asked for). */
function pickSplit(examples: Example[], split: string, asked: boolean, file: string, which: string): Example[] {
  if (!hasSplits(examples)) {
    if (asked)
      throw new CompileInputError(
        `${which} ${file}: its examples carry no "split" field, so a split cannot be chosen; drop the split option`,
      );
    return examples;
  }
  const chosen = examples.filter((e) => e.data.split === split);
  if (chosen.length === 0) {
    const counts = new Map<string, number>();
    for (const e of examples) counts.set(String(e.data.split), (counts.get(String(e.data.split)) ?? 0) + 1);
    const held = [...counts].map(([k, n]) => `${k} ${n}`).join(", ");
    throw new CompileInputError(
      `${which} ${file} holds no examples of split "${split}" (it holds: ${held}); choose another with --split / --val-split`,
    );
  }
  return chosen;
}

export function makeOptimizer(task: CompileTask, o: Omit<CompileTaskOptions, "trainsetFile" | "out">): Teleprompter {
  const demos = {
    ...(o.maxBootstrappedDemos !== undefined ? { maxBootstrappedDemos: o.maxBootstrappedDemos } : {}),
    ...(o.maxLabeledDemos !== undefined ? { maxLabeledDemos: o.maxLabeledDemos } : {}),
    ...(o.maxRounds !== undefined ? { maxRounds: o.maxRounds } : {}),
  };
  // The task's own bar for a demo (e.g. 1 for partial-credit metrics: only fully right answers become demos).
  const threshold = task.metricThreshold !== undefined ? { metricThreshold: task.metricThreshold } : {};
  switch (o.optimizer ?? "bootstrap") {
    case "labeled":
      return new LabeledFewShot({ metric: task.metric, ...(o.maxLabeledDemos !== undefined ? { k: o.maxLabeledDemos } : {}) });
    case "bootstrap":
      return new BootstrapFewShot({ metric: task.metric, ...threshold, ...demos });
    case "random-search":
      return new BootstrapFewShotWithRandomSearch({
        metric: task.metric,
        ...threshold,
        ...demos,
        ...(o.numCandidates !== undefined ? { numCandidates: o.numCandidates } : {}),
        ...(o.stopAtScore !== undefined ? { stopAtScore: o.stopAtScore } : {}),
        ...(o.instructions ? { instructions: {} } : {}),
      });
    default:
      throw new CompileInputError(`unknown optimizer "${String(o.optimizer)}"; choose one of ${OPTIMIZERS.join(", ")}`);
  }
}

async function loadSet(task: CompileTask, file: string, which: string): Promise<Example[]> {
  let examples: Example[];
  try {
    examples = await task.loadExamples(file);
  } catch (err) {
    // Whatever the task's loader throws, it is a problem with this data file.
    if (err instanceof ExamplesFileError) throw err;
    throw new ExamplesFileError(file, `cannot be read as ${which} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!Array.isArray(examples) || examples.length === 0) throw new CompileInputError(`${which} ${file} holds no examples`);
  return examples;
}
