import { describe, it, expect } from "vitest";
import type { LM, LMRequest, LMResponse } from "@otpforge/core";
import { UnpricedModelError } from "../src/index.js";
import { BudgetTracker, BudgetExceeded } from "../src/internal.js";

/** An LM answering after a tick, with fixed usage; `hit` decides which requests are cache hits. */
function countingLM(opts: { tokens?: number; cost?: number; hit?: (r: LMRequest) => boolean } = {}) {
  let sent = 0;
  const lm: LM = {
    id: "test/lm",
    async generate(request: LMRequest): Promise<LMResponse> {
      await new Promise((r) => setImmediate(r));
      const cacheHit = opts.hit?.(request) ?? false;
      if (!cacheHit) sent++;
      return {
        completions: [{ text: "ok" }],
        usage: cacheHit
          ? { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }
          : { promptTokens: opts.tokens ?? 10, completionTokens: 0, cachedTokens: 0 },
        model: "test/lm",
        cacheHit,
        ...(opts.cost !== undefined && !cacheHit ? { costUSD: opts.cost } : {}),
      };
    },
  };
  return { lm, sent: () => sent };
}

const ask = (lm: LM, i = 0) => lm.generate({ messages: [{ role: "user", content: String(i) }] });

describe("BudgetTracker", () => {
  it("never sends more than maxLMCalls requests, even with many in flight", async () => {
    const { lm, sent } = countingLM();
    const tracker = new BudgetTracker({ maxLMCalls: 5 });
    const wrapped = tracker.wrap(lm);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ask(wrapped, i)));
    expect(sent()).toBe(5);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(BudgetExceeded);
    expect(tracker.stoppedBy).toMatchObject({ budget: "maxLMCalls", limit: 5 });
    expect(tracker.spend.calls).toBe(5);
  });

  it("does not report a stop when the run used exactly its budget", async () => {
    const { lm } = countingLM();
    const tracker = new BudgetTracker({ maxLMCalls: 3 });
    const wrapped = tracker.wrap(lm);
    for (let i = 0; i < 3; i++) await ask(wrapped, i);
    expect(tracker.stoppedBy).toBeNull();
    await expect(ask(wrapped)).rejects.toBeInstanceOf(BudgetExceeded);
    expect(tracker.stoppedBy?.budget).toBe("maxLMCalls");
  });

  it("stops on tokens once the limit is crossed", async () => {
    const { lm, sent } = countingLM({ tokens: 40 });
    const tracker = new BudgetTracker({ maxTokens: 100 });
    const wrapped = tracker.wrap(lm);
    for (let i = 0; i < 3; i++) await ask(wrapped, i); // 120 tokens: the third call crossed the limit
    await expect(ask(wrapped)).rejects.toThrow(/budget maxTokens \(100\) is used up \(120\)/);
    expect(sent()).toBe(3);
    expect(tracker.stoppedBy).toEqual({ budget: "maxTokens", limit: 100, used: 120 });
  });

  it("stops on cost, and refuses to guess when the model has no price", async () => {
    const priced = countingLM({ cost: 0.25 });
    const tracker = new BudgetTracker({ maxCost: 0.5 });
    const wrapped = tracker.wrap(priced.lm);
    await ask(wrapped, 1);
    await ask(wrapped, 2);
    await expect(ask(wrapped, 3)).rejects.toBeInstanceOf(BudgetExceeded);
    expect(tracker.stoppedBy?.budget).toBe("maxCost");

    const unpriced = new BudgetTracker({ maxCost: 1 });
    const w2 = unpriced.wrap(countingLM().lm);
    await ask(w2);
    await expect(ask(w2)).rejects.toBeInstanceOf(UnpricedModelError);
  });

  it("counts cache hits as free", async () => {
    const { lm, sent } = countingLM({ hit: (r) => r.messages[0]!.content === "cached" });
    const tracker = new BudgetTracker({ maxLMCalls: 1 });
    const wrapped = tracker.wrap(lm);
    for (let i = 0; i < 5; i++) await wrapped.generate({ messages: [{ role: "user", content: "cached" }] });
    await ask(wrapped, 1);
    expect(sent()).toBe(1);
    expect(tracker.spend).toMatchObject({ calls: 1, cacheHits: 5, tokens: 10 });
  });

  it("rejects a negative budget", () => {
    expect(() => new BudgetTracker({ maxLMCalls: -1 })).toThrow(/maxLMCalls must be a non-negative number/);
  });
});
