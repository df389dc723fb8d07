// Token usage and estimated cost: per call (on LMResponse), per LM (each
// client keeps totals) and per run (a UsageTracker scoped with
// AsyncLocalStorage, so an optimizer run sees only its own calls even when
// runs overlap). Cache hits count as calls and cache hits, never as tokens.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Usage } from "./types.js";

export interface UsageTotals extends Usage {
  /** LM calls answered, including cache hits. */
  calls: number;
  cacheHits: number;
  /** Sum of the estimated cost of calls whose price is known. */
  costUSD: number;
  /** Calls (not cache hits) whose model has no known price: costUSD leaves them out. */
  unpricedCalls: number;
}

export interface UsageReport extends UsageTotals {
  byLM: Record<string, UsageTotals>;
}

export function emptyTotals(): UsageTotals {
  return { calls: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, costUSD: 0, unpricedCalls: 0 };
}

function addCall(t: UsageTotals, usage: Usage, costUSD: number | undefined, cacheHit: boolean): void {
  t.calls += 1;
  if (cacheHit) {
    t.cacheHits += 1;
    return;
  }
  t.promptTokens += usage.promptTokens;
  t.completionTokens += usage.completionTokens;
  t.cachedTokens += usage.cachedTokens;
  if (costUSD === undefined) t.unpricedCalls += 1;
  else t.costUSD = Math.round((t.costUSD + costUSD) * 1e9) / 1e9;
}

const scopes = new AsyncLocalStorage<readonly UsageTracker[]>();

/** Totals of LM calls, overall and per LM id. */
export class UsageTracker {
  private readonly total = emptyTotals();
  private readonly perLM = new Map<string, UsageTotals>();

  record(lmId: string, usage: Usage, costUSD: number | undefined, cacheHit: boolean): void {
    addCall(this.total, usage, costUSD, cacheHit);
    let t = this.perLM.get(lmId);
    if (!t) this.perLM.set(lmId, (t = emptyTotals()));
    addCall(t, usage, costUSD, cacheHit);
  }

  totals(): UsageTotals {
    return { ...this.total };
  }

  report(): UsageReport {
    const byLM: Record<string, UsageTotals> = {};
    for (const [id, t] of [...this.perLM].sort(([a], [b]) => a.localeCompare(b))) byLM[id] = { ...t };
    return { ...this.total, byLM };
  }

  reset(): void {
    Object.assign(this.total, emptyTotals());
    this.perLM.clear();
  }

  /** Runs fn with this tracker active: every LM call inside (however deep, however concurrent) is counted here too. */
  run<T>(fn: () => T): T {
    const outer = scopes.getStore() ?? [];
    return scopes.run(outer.includes(this) ? outer : [...outer, this], fn);
  }
}

/** Every call made by this process. */
export const processUsage = new UsageTracker();

/** Counts one call in the process totals and in every active scope. */
export function recordUsage(lmId: string, usage: Usage, costUSD: number | undefined, cacheHit: boolean): void {
  processUsage.record(lmId, usage, costUSD, cacheHit);
  for (const t of scopes.getStore() ?? []) t.record(lmId, usage, costUSD, cacheHit);
}

/**
 * Runs fn and reports the LM usage of the calls it made (nested scopes each
 * see their own calls; outer scopes see the inner ones too).
 */
export async function trackUsage<T>(fn: () => T | Promise<T>): Promise<{ result: T; usage: UsageReport }> {
  const tracker = new UsageTracker();
  const result = await tracker.run(fn);
  return { result, usage: tracker.report() };
}
