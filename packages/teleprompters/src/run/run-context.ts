import { evaluate, type Example, type LM, type Metric, type Module, type EvaluationResult } from "@otpforge/core";
import { BudgetTracker, BudgetExceeded } from "./budget.js";
import type { CheckpointStore } from "./checkpoint.js";
import { instrument, overrideRequests, runWithLM, type LMWrap } from "./instrument.js";

export interface ProgressEvent {
  /** What the optimizer is doing now. */
  phase: "bootstrap" | "evaluate" | "propose";
  /** Which candidate (random search, instruction proposal), when there are several. */
  candidate?: string;
  done: number;
  total: number;
}

/** Thrown when maxErrors program runs have failed (DSPy's rule: the run stops at the maxErrors-th failure). */
export class TooManyErrorsError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "TOO_MANY_ERRORS";
  readonly category = "run" as const;
  constructor(
    readonly errors: number,
    readonly maxErrors: number,
    readonly firstError: unknown,
  ) {
    super(
      `${errors} program runs failed (maxErrors ${maxErrors}); first error: ` +
        `${firstError instanceof Error ? firstError.message : String(firstError)}. ` +
        `Fix the program or the model setup, or raise maxErrors.`,
      { cause: firstError },
    );
    this.name = "TooManyErrorsError";
  }
}

/**
 * Everything one optimizer run shares: the budget, the checkpoint, the base
 * LM, concurrency, cancellation and progress. Optimizers run programs only
 * through it, so every LM call is counted and can be stopped.
 */
export class RunContext {
  constructor(
    readonly tracker: BudgetTracker,
    readonly checkpoint: CheckpointStore,
    readonly baseLM: LM | undefined,
    readonly concurrency: number,
    readonly maxErrors: number,
    readonly signal: AbortSignal | undefined,
    private readonly progress: ((event: ProgressEvent) => void) | undefined,
  ) {}

  report(event: ProgressEvent): void {
    this.progress?.(event);
  }

  /**
   * How many items a search (bootstrap examples, instruction proposals) runs
   * at once. Searches start items a sequential run might never reach; under a
   * budget those speculative calls would spend what the sequential run spends
   * on earlier items, and the run would stop somewhere else. So with any
   * budget set a search runs one item at a time: the budget is spent in
   * decision order and the artifact is the same at every concurrency.
   */
  get searchConcurrency(): number {
    return this.hasBudget(["maxLMCalls", "maxTokens", "maxCost"]) ? 1 : this.concurrency;
  }

  /**
   * How many examples an evaluation runs at once. An evaluation needs every
   * one of its calls, so under a call budget it completes exactly when the
   * calls left suffice, in any order. Tokens and cost are known only after a
   * call returns: which call a sequential run would refuse depends on the
   * order, so under those budgets evaluation is sequential too.
   */
  get evaluateConcurrency(): number {
    return this.hasBudget(["maxTokens", "maxCost"]) ? 1 : this.concurrency;
  }

  private hasBudget(names: Array<keyof BudgetTracker["budget"]>): boolean {
    return names.some((n) => this.tracker.budget[n] !== undefined);
  }

  /** The wrapper every LM call of this run goes through; rounds > 0 sample afresh at temperature 1.0. */
  lmWrap(round = 0): LMWrap {
    return (lm) => this.tracker.wrap(overrideRequests(lm, round > 0 ? { temperature: 1.0, rolloutId: round } : {}, this.signal));
  }

  /**
   * Runs fn with this run's round-0 LMs (budgeted, no sampling override): for
   * metrics, whose LM judge must not inherit a later round's temperature.
   */
  runPlain<T>(fn: () => Promise<T>): Promise<T> {
    return runWithLM(this.baseLM, this.lmWrap(0), fn);
  }

  /** Runs fn on an instrumented clone of `program`, with this run's LMs. */
  run<P extends Module, T>(program: P, fn: (instrumented: P) => Promise<T>, round = 0): Promise<T> {
    const wrap = this.lmWrap(round);
    const copy = instrument(program, wrap);
    return runWithLM(this.baseLM, wrap, () => fn(copy));
  }

  /**
   * Scores a program on a dataset with core's evaluate. Returns null when a
   * budget ran out meanwhile: a partial score must not be compared with
   * complete ones.
   */
  async evaluate<P extends Module>(
    program: P,
    devset: readonly Example[],
    metric: Metric,
    candidate?: string,
  ): Promise<EvaluationResult<Example, unknown> | null> {
    if (this.budgetStopped()) return null;
    let result: EvaluationResult<Example, unknown>;
    try {
      result = await this.run(program, (p) =>
        evaluate(p as never, devset, metric, {
          concurrency: this.evaluateConcurrency,
          maxErrors: this.maxErrors,
          progress: false,
          ...(this.signal ? { signal: this.signal } : {}),
          onProgress: (e) => this.report({ phase: "evaluate", candidate, done: e.done, total: e.total }),
        }),
      );
    } catch (err) {
      if (this.budgetStopped()) return null;
      throw err;
    }
    return this.budgetStopped() ? null : result;
  }

  /**
   * True once a budget stopped the run. A budget that cannot be enforced
   * (no price for maxCost) is a setup error and is thrown instead.
   */
  budgetStopped(): boolean {
    const err = this.tracker.stopError;
    if (!err) return false;
    if (err instanceof BudgetExceeded) return true;
    throw err;
  }
}
