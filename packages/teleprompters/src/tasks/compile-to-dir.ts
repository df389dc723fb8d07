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
  valsetFile?: string;
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
}

/**
 * The whole `otpforge compile` job for a task: read the data, run the chosen
 * optimizer with a checkpoint under OUT/.checkpoint, and write OUT/artifact.json
 * plus OUT/prompts/<predictor>.json.
 */
export async function compileTaskToDir(task: CompileTask, options: CompileTaskOptions): Promise<CompileTaskResult> {
  const trainset = await loadSet(task, options.trainsetFile, "trainset");
  const valset = options.valsetFile ? await loadSet(task, options.valsetFile, "valset") : undefined;
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
  };
}

export function makeOptimizer(task: CompileTask, o: Omit<CompileTaskOptions, "trainsetFile" | "out">): Teleprompter {
  const demos = {
    ...(o.maxBootstrappedDemos !== undefined ? { maxBootstrappedDemos: o.maxBootstrappedDemos } : {}),
    ...(o.maxLabeledDemos !== undefined ? { maxLabeledDemos: o.maxLabeledDemos } : {}),
    ...(o.maxRounds !== undefined ? { maxRounds: o.maxRounds } : {}),
  };
  switch (o.optimizer ?? "bootstrap") {
    case "labeled":
      return new LabeledFewShot({ metric: task.metric, ...(o.maxLabeledDemos !== undefined ? { k: o.maxLabeledDemos } : {}) });
    case "bootstrap":
      return new BootstrapFewShot({ metric: task.metric, ...demos });
    case "random-search":
      return new BootstrapFewShotWithRandomSearch({
        metric: task.metric,
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
