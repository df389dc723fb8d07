import { currentAdapter, hashValue, type EvaluationResult, type Example, type LM, type Metric, type Module } from "@otpforge/core";
import { buildArtifact } from "../artifact/build.js";
import type { BudgetStop, CandidateScore, CompiledProgram } from "../artifact/schema.js";
import { BudgetTracker, type Budget, type Spend } from "../run/budget.js";
import { CheckpointStore } from "../run/checkpoint.js";
import { resolveBaseLM } from "../run/instrument.js";
import { RunContext, type ProgressEvent } from "../run/run-context.js";
import { datasetHash, withoutDemos } from "./demos.js";

export interface CompileOptions {
  trainset: readonly Example[];
  /** Scores candidates (random search, instructions) and the final program. */
  valset?: readonly Example[];
  /** BootstrapFewShot's teacher; default: a copy of the student primed with labeled demos. */
  teacher?: Module;
  /** LM for predictors without their own; default: the configured one (withSettings, configure, OTPFORGE_LM). */
  lm?: LM;
  /** Seeds every random choice. Default 0. */
  seed?: number;
  /** Program runs at once. The result does not depend on it. Default 8. */
  concurrency?: number;
  /** Program runs that may fail before the run stops. Default 10. */
  maxErrors?: number;
  budget?: Budget;
  /** Where to keep the checkpoint; without it, a killed run starts over (the LM cache still helps). */
  checkpointDir?: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Program name in the artifact; default: the program's class name. */
  name?: string;
  /** Also score the result on the trainset (costs one run per example). */
  scoreTrainset?: boolean;
  /**
   * Also score the student without demos on the valset, as the baseline the
   * compiled program is compared with (artifact scores.baseline). Costs one
   * run per val example (random search's zero-shot candidate is the same runs, from the cache).
   */
  scoreBaseline?: boolean;
  /**
   * Examples whose `split` is "test" are refused in the trainset and the
   * valset: tuning or selecting on the split a result is reported on makes
   * that result meaningless. Set this to use them anyway.
   */
  allowTestSplit?: boolean;
  /** Clock for createdAt (the only time in an artifact). */
  now?: () => Date;
}

export interface CompileResult<P extends Module> {
  /** The tuned program: a copy of the student; the student itself is never changed. */
  program: P;
  artifact: CompiledProgram;
  /** The budget that cut the run short, if one did (the program is the best found until then). */
  stoppedBy: BudgetStop | null;
  /** What the run spent (LM calls, cache hits, tokens, cost). Not part of the artifact. */
  spend: Spend;
  /** Every scored candidate, best first (empty for optimizers without candidates). */
  leaderboard: CandidateScore[];
  /** Steps taken from a checkpoint instead of being rerun. */
  resumedSteps: number;
  /** The final valset evaluation and the baseline's, per example, when run now (not when taken from a checkpoint). */
  evaluations: { val?: EvaluationResult<Example, unknown>; baseline?: EvaluationResult<Example, unknown> };
}

/** What an optimizer hands back to compile(). */
export interface OptimizeOutcome<P extends Module> {
  program: P;
  /** Val score when the optimizer already measured the returned program on the valset. */
  valScore?: number;
  /** Train score when the optimizer measured the returned program on the trainset (no valset given). */
  trainScore?: number;
  bootstrap?: { attempted: number; passed: number };
  candidates: CandidateScore[];
}

export interface RunData {
  trainset: readonly Example[];
  valset?: readonly Example[];
  teacher?: Module;
  seed: number;
}

/** Bad arguments to compile(): says what is wrong and what to pass instead. */
export class CompileInputError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "COMPILE_INPUT";
  readonly category = "input" as const;
  constructor(message: string) {
    super(message);
    this.name = "CompileInputError";
  }
}

/**
 * The shared life cycle of every optimizer: validate inputs, key the run,
 * open its checkpoint, optimize, score, seal the artifact.
 */
export abstract class Teleprompter {
  abstract readonly name: string;
  /** Options as recorded in the artifact (JSON only: no functions, programs or LMs). */
  abstract describeOptions(): Record<string, unknown>;
  protected abstract optimize<P extends Module>(student: P, data: RunData, ctx: RunContext): Promise<OptimizeOutcome<P>>;

  constructor(protected readonly metric?: Metric) {}

  async compile<P extends Module>(student: P, options: CompileOptions): Promise<CompileResult<P>> {
    const seed = options.seed ?? 0;
    const concurrency = options.concurrency ?? 8;
    const maxErrors = options.maxErrors ?? 10;
    checkExamples("trainset", options.trainset, true);
    if (options.valset) checkExamples("valset", options.valset, false);
    if (!options.allowTestSplit) {
      refuseTestSplit("trainset", options.trainset);
      if (options.valset) refuseTestSplit("valset", options.valset);
    }
    if (!Number.isInteger(seed)) throw new CompileInputError(`seed must be an integer, got ${seed}`);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new CompileInputError(`concurrency must be an integer >= 1, got ${concurrency}`);
    if (!(maxErrors >= 0)) throw new CompileInputError(`maxErrors must be >= 0, got ${maxErrors}`);
    if (student.namedPredictors().length === 0)
      throw new CompileInputError("the program has no predictors to tune (declare Predict / ChainOfThought fields on the module)");

    const baseLM = resolveBaseLM(options.lm);
    const trainHash = datasetHash(options.trainset);
    const valHash = options.valset ? datasetHash(options.valset) : undefined;
    const runKey = hashValue({
      optimizer: this.name,
      options: this.describeOptions(),
      seed,
      student: student.dumpState(),
      teacher: options.teacher?.dumpState() ?? null,
      trainset: trainHash,
      valset: valHash ?? null,
      lm: baseLM?.id ?? null,
      predictorLMs: student.namedPredictors().map(([name, p]) => [name, p.lm?.id ?? null]),
      // The metric's source: a changed metric must not reuse old verdicts.
      metric: this.metric ? String(this.metric) : null,
      scoreTrainset: options.scoreTrainset ?? false,
      scoreBaseline: options.scoreBaseline ?? false,
    });
    const checkpoint = await CheckpointStore.open(options.checkpointDir, runKey);
    const tracker = new BudgetTracker(options.budget ?? {});
    const ctx = new RunContext(tracker, checkpoint, baseLM, concurrency, maxErrors, options.signal, options.onProgress);
    const data: RunData = {
      trainset: options.trainset,
      seed,
      ...(options.valset ? { valset: options.valset } : {}),
      ...(options.teacher ? { teacher: options.teacher } : {}),
    };

    const outcome = await this.optimize(student, data, ctx);
    options.signal?.throwIfAborted();
    const evaluations: CompileResult<P>["evaluations"] = {};
    const val =
      outcome.valScore ?? (options.valset ? await this.finalScore(ctx, outcome.program, options.valset, "val", evaluations) : undefined);
    const train =
      outcome.trainScore ??
      (options.scoreTrainset ? await this.finalScore(ctx, outcome.program, options.trainset, "train", evaluations) : undefined);
    const baseline =
      options.scoreBaseline && options.valset
        ? await this.finalScore(ctx, withoutDemos(student), options.valset, "baseline", evaluations)
        : undefined;
    options.signal?.throwIfAborted();

    const leaderboard = rank(outcome.candidates);
    const firstLM = baseLM ?? student.namedPredictors().find(([, p]) => p.lm)?.[1].lm;
    const artifact = buildArtifact(
      outcome.program,
      {
        name: options.name ?? (student.constructor.name || "program"),
        lm: firstLM ? { id: firstLM.id, adapter: currentAdapter(student.namedPredictors()[0]![1].adapter).name } : null,
        optimizer: { name: this.name, options: this.describeOptions(), seed },
        scores: {
          ...(val !== undefined ? { val } : {}),
          ...(train !== undefined ? { train } : {}),
          ...(baseline !== undefined ? { baseline } : {}),
          ...(outcome.bootstrap ? { bootstrap: outcome.bootstrap } : {}),
          candidates: leaderboard,
        },
        stoppedBy: tracker.stoppedBy,
        datasets: {
          trainset: { size: options.trainset.length, hash: trainHash, ...splitsOf(options.trainset) },
          ...(options.valset ? { valset: { size: options.valset.length, hash: valHash!, ...splitsOf(options.valset) } } : {}),
        },
      },
      options.now ? { now: options.now } : {},
    );
    // A budget-stopped run keeps its checkpoint: rerun with a larger budget to continue it.
    if (!tracker.stoppedBy) await checkpoint.complete();
    return {
      program: outcome.program,
      artifact,
      stoppedBy: tracker.stoppedBy,
      spend: tracker.spend,
      leaderboard,
      resumedSteps: checkpoint.resumedSteps,
      evaluations,
    };
  }

  /** Scores the final program once, checkpointed like every other step. */
  private async finalScore(
    ctx: RunContext,
    program: Module,
    devset: readonly Example[],
    which: "val" | "train" | "baseline",
    evaluations: { val?: EvaluationResult<Example, unknown>; baseline?: EvaluationResult<Example, unknown> },
  ): Promise<number | undefined> {
    if (!this.metric) return undefined;
    const stored = ctx.checkpoint.get<number>("final", which);
    if (stored !== undefined) return stored;
    const result = await ctx.evaluate(program, devset, this.metric, which);
    if (!result) return undefined;
    if (which !== "train") evaluations[which] = result;
    await ctx.checkpoint.put("final", which, result.score);
    return result.score;
  }
}

/** Best first; equal scores keep the order they were found in. */
export function rank(candidates: CandidateScore[]): CandidateScore[] {
  return candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
    .map(({ c }) => c);
}

/** The distinct `split` values of the examples, when they carry one: recorded in the artifact. */
function splitsOf(examples: readonly Example[]): { splits?: string[] } {
  const splits = [...new Set(examples.map((e) => e.data.split).filter((s): s is string => typeof s === "string"))].sort();
  return splits.length ? { splits } : {};
}

function refuseTestSplit(name: string, examples: readonly Example[]): void {
  const n = examples.filter((e) => e.data.split === "test").length;
  if (n > 0) {
    throw new CompileInputError(
      `${name} holds ${n} example(s) of the test split: compiling on the split you report on makes the report meaningless. ` +
        `Train on train and validate on dev (otpforge compile picks them from a file that holds all splits), or pass allowTestSplit (--allow-test-split) if you mean it.`,
    );
  }
}

function checkExamples(name: string, examples: readonly Example[], needOne: boolean): void {
  if (!Array.isArray(examples)) throw new CompileInputError(`${name} must be an array of examples`);
  if (needOne && examples.length === 0) throw new CompileInputError(`${name} is empty; give at least one labeled example`);
  examples.forEach((e, i) => {
    if (!e || typeof e !== "object" || !("data" in e) || typeof (e as Example).inputs !== "function") {
      throw new CompileInputError(`${name}[${i}] is not an Example; build examples with example({...}).withInputs("question")`);
    }
    if (!(e as Example).inputKeys) {
      throw new CompileInputError(
        `${name}[${i}] does not say which keys are inputs; call .withInputs(...) on it (keys: ${Object.keys(e.data).join(", ")})`,
      );
    }
  });
}
