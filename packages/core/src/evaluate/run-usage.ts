// What one example's program run spent on LMs: tokens, calls, cost. Two
// sources, because neither covers every case on its own:
//  - a UsageTracker scoped around the run sees every LMClient call, also the
//    parse retries and the calls of a run that then threw, with exact cost;
//  - the trace sees every predictor call of any LM (ScriptedLM, a custom LM),
//    but only the calls that parsed, and a Prediction's cost is that of its
//    last attempt.
// The tracker wins when it saw calls; otherwise the trace is all there is.
import type { Trace } from "../trace.js";
import type { UsageTotals } from "../lm/usage.js";

export interface RunUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its prompt cache. */
  cachedTokens: number;
  /** LM calls, cache hits included. */
  calls: number;
  cacheHits: number;
  /** Estimated US dollars; undefined when some live call had no known price. */
  costUSD?: number;
}

export function runUsage(tracked: UsageTotals, trace: Trace): RunUsage {
  if (tracked.calls > 0) {
    const { promptTokens, completionTokens, cachedTokens, calls, cacheHits } = tracked;
    return {
      promptTokens,
      completionTokens,
      cachedTokens,
      calls,
      cacheHits,
      ...(tracked.unpricedCalls === 0 ? { costUSD: tracked.costUSD } : {}),
    };
  }
  const out: RunUsage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, calls: 0, cacheHits: 0, costUSD: 0 };
  for (const { prediction: p } of trace) {
    out.promptTokens += p.usage.promptTokens;
    out.completionTokens += p.usage.completionTokens;
    out.cachedTokens += p.usage.cachedTokens;
    out.calls += p.attempts;
    if (p.cacheHit) out.cacheHits += p.attempts;
    else if (p.costUSD === undefined) delete out.costUSD;
    else if (out.costUSD !== undefined) out.costUSD += p.costUSD;
  }
  return out;
}
