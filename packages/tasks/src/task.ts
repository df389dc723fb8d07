// What an OTP task is: everything compile, eval, the demo and the examples
// need to tune or score a program on it, in one object. Each verb looks a task
// up by name (registry.ts) instead of keeping its own copy.
import type { Example, EvaluateProgress, Module } from "@otpforge/core";
import type { CriticOption, EvalResult } from "@otpforge/metrics";
import type { CompileTask } from "@otpforge/teleprompters";
import type { Pool, Preload } from "@otpforge/beam";

export type TaskName = "trace" | "fix-bug" | "design" | "scenario";

export interface TaskEvalOptions {
  /** Examples in flight at once. (Which records to score: selectEvalSplit.) */
  concurrency?: number;
  progress?: boolean;
  onProgress?: (progress: EvaluateProgress) => void;
  /** design only: the architecture critic (a secondary score, reported apart; see evalDesign). Other tasks ignore it. */
  critic?: CriticOption;
}

/**
 * A task. It is a CompileTask (program, metric, metricThreshold,
 * loadExamples), plus how to read and evaluate its records. A task whose
 * metric runs Elixir holds a BEAM pool, made on first use: close() it.
 */
export interface OtpTask<P extends Module = Module, R = unknown> extends CompileTask<P> {
  readonly name: TaskName;
  /** One line for --help. */
  readonly summary: string;
  /** What its data files hold, for --help. */
  readonly dataHelp: string;
  /** The keyword that names the task's built-in data instead of a file (e.g. "catalog"). */
  readonly builtinData?: string;
  /** The records of a data file, or of the built-in data when `source` is builtinData. */
  readRecords(source: string): R[];
  /** One record as a compile example: its inputs marked, its label under the program's output names. */
  toExample(record: R): Example;
  /** The task's eval: scores, a summary by category, one record per example. */
  evaluate(program: P, records: readonly R[], options?: TaskEvalOptions): Promise<EvalResult>;
  close(): Promise<void>;
}

/** The eval options a metrics eval takes, only those given (exactOptionalPropertyTypes). */
export function evalRunOptions(o: TaskEvalOptions): { concurrency?: number; progress?: boolean } {
  return {
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.progress !== undefined ? { progress: o.progress } : {}),
  };
}

export interface TaskOptions {
  /** fix-bug: harness runs a fix must pass, in compile and eval alike; scenario: runs per side. */
  runs?: number;
  /** fix-bug: time limit of one harness run, ms. */
  timeoutMs?: number;
  /** A pool to use (not closed by the task); default: one made on first use and closed by close(). */
  pool?: Pool;
}

/**
 * A BEAM pool made on first use, so opening a task stays cheap; a given pool is used and left open.
 * `preload`: what a pool made here preloads (the design task's probe).
 */
export function lazyPool(given?: Pool, preload?: Preload[]) {
  let made: Promise<Pool> | undefined;
  return {
    get: (): Promise<Pool> =>
      given ? Promise.resolve(given) : (made ??= import("@otpforge/beam").then((b) => b.createPool(preload ? { preload } : {}))),
    close: async (): Promise<void> => {
      if (made) await (await made).close();
      made = undefined;
    },
  };
}
