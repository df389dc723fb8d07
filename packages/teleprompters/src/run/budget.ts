import type { LM, LMRequest, LMResponse } from "@otpforge/core";
import type { BudgetStop } from "../artifact/schema.js";

export type BudgetName = BudgetStop["budget"];

/** Limits on what an optimizer run may spend. Cache hits are free and count toward none. */
export interface Budget {
  /** Requests that reach the provider. Enforced strictly: call N+1 is never sent. */
  maxLMCalls?: number;
  /**
   * Prompt + completion tokens. Known only after a call returns, so calls
   * already in flight when the limit is crossed may overshoot it.
   */
  maxTokens?: number;
  /** Estimated US dollars (from the LM's price table); overshoot as for maxTokens. */
  maxCost?: number;
}

/** Thrown by a budgeted LM once a budget is used up. Optimizers catch it and stop cleanly. */
export class BudgetExceeded extends Error {
  constructor(
    readonly budget: BudgetName,
    readonly limit: number,
    readonly used: number,
  ) {
    super(
      `budget ${budget} (${limit}) is used up (${used}); the run stopped with the best program found so far. ` +
        `Raise the budget to continue (a rerun reuses the checkpoint and the LM cache).`,
    );
    this.name = "BudgetExceeded";
  }
}

/** maxCost was asked for but the model reports no price, so the budget cannot be enforced. */
export class UnpricedModelError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "UNPRICED_MODEL";
  readonly category = "input" as const;
  constructor(readonly lmId: string) {
    const model = lmId.split("/").pop() ?? lmId;
    super(
      `maxCost is set but ${lmId} has no price, so the cost budget cannot be enforced. ` +
        `Price it first: registerPrice("${model}", { inputPerMTok, outputPerMTok }) from @otpforge/core (USD per million tokens, ` +
        `the provider's list price), or pass price in lm("${lmId}", { price }); or budget with maxTokens / maxLMCalls instead.`,
    );
    this.name = "UnpricedModelError";
  }
}

export interface Spend {
  /** Requests answered by the provider. */
  calls: number;
  /** Requests answered from otpforge's cache (free). */
  cacheHits: number;
  tokens: number;
  costUSD: number;
}

/**
 * Counts what a run spends across every LM it wraps and refuses calls once a
 * budget is used up. One tracker per optimizer run.
 */
export class BudgetTracker {
  private spent: Spend = { calls: 0, cacheHits: 0, tokens: 0, costUSD: 0 };
  private inFlight = 0;
  private stop: BudgetStop | null = null;
  private fatal: Error | null = null;

  constructor(readonly budget: Budget = {}) {
    for (const [name, value] of Object.entries(budget)) {
      if (value !== undefined && !(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
        throw new RangeError(`budget ${name} must be a non-negative number, got ${String(value)}`);
      }
    }
  }

  get spend(): Spend {
    return { ...this.spent };
  }

  /** The budget that stopped the run: set when a call was refused (not merely when a limit was reached). */
  get stoppedBy(): BudgetStop | null {
    return this.stop;
  }

  /** An error that must end the run (a budget, or a budget that cannot be enforced). */
  get stopError(): Error | null {
    if (this.fatal) return this.fatal;
    return this.stop ? new BudgetExceeded(this.stop.budget, this.stop.limit, this.stop.used) : null;
  }

  /** Throws the BudgetExceeded (or fatal error) if the run must stop. */
  check(): void {
    const err = this.stopError;
    if (err) throw err;
  }

  /** An LM that spends through this tracker. */
  wrap(lm: LM): LM {
    const tracker = this;
    return {
      id: lm.id,
      async generate(request: LMRequest): Promise<LMResponse> {
        tracker.beforeCall();
        tracker.inFlight++;
        let response: LMResponse;
        try {
          response = await lm.generate(request);
        } finally {
          tracker.inFlight--;
        }
        tracker.afterCall(lm.id, response);
        return response;
      },
    };
  }

  private beforeCall(): void {
    this.check();
    const { maxLMCalls, maxTokens, maxCost } = this.budget;
    // Calls in flight reserve their slot: with 8 workers and 1 call left, only one is sent.
    if (maxLMCalls !== undefined && this.spent.calls + this.inFlight >= maxLMCalls) {
      this.trip("maxLMCalls", maxLMCalls, this.spent.calls + this.inFlight);
    } else if (maxTokens !== undefined && this.spent.tokens >= maxTokens) {
      this.trip("maxTokens", maxTokens, this.spent.tokens);
    } else if (maxCost !== undefined && this.spent.costUSD >= maxCost) {
      this.trip("maxCost", maxCost, this.spent.costUSD);
    }
    this.check();
  }

  private afterCall(lmId: string, response: LMResponse): void {
    if (response.cacheHit) {
      this.spent.cacheHits++;
      return;
    }
    this.spent.calls++;
    this.spent.tokens += response.usage.promptTokens + response.usage.completionTokens;
    if (response.costUSD !== undefined) this.spent.costUSD += response.costUSD;
    else if (this.budget.maxCost !== undefined) this.fatal ??= new UnpricedModelError(lmId);
  }

  private trip(budget: BudgetName, limit: number, used: number): void {
    this.stop ??= { budget, limit, used };
  }
}
