// Usage per call, per LM and per run (scoped trackers), estimated cost from
// the price table, and the call history with its readable print.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectHistory, lm, processUsage, registerPrice, trackUsage, UsageTracker } from "../src/index.js";
import { estimateCostUSD, priceFor } from "../src/internal.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, TempDirs, user } from "./lm-helpers.js";

describe("price table", () => {
  it("knows list prices by exact model id, with dated snapshots listed as aliases", () => {
    expect(priceFor("openai/gpt-4o-mini")).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 });
    expect(priceFor("openai/gpt-4o-mini-2024-07-18")).toEqual(priceFor("openai/gpt-4o-mini"));
    expect(priceFor("openai/gpt-4o-2024-08-06")).toEqual(priceFor("openai/gpt-4o"));
    expect(priceFor("anthropic/claude-sonnet-4-5-20250929")).toEqual(priceFor("anthropic/claude-sonnet-4-5"));
    expect(priceFor("ax/openai/gpt-4.1-nano")).toEqual(priceFor("openai/gpt-4.1-nano"));
    expect(priceFor("openai-compatible/qwen2.5-coder")).toBeUndefined();
  });

  it("never prices a model by a name it starts with (o3-mini is not o3, claude-opus-4-6 is not claude-opus-4)", () => {
    expect(priceFor("openai/o3-mini")).toEqual({ inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.55 });
    expect(priceFor("openai/o3-mini")).not.toEqual(priceFor("openai/o3"));
    for (const unknown of [
      "anthropic/claude-opus-4-6",
      "anthropic/claude-opus-4-7",
      "openai/gpt-5.1",
      "openai/gpt-5.2",
      "openai/gpt-5.4-mini",
      "openai/gpt-4o-mini-2099-01-01",
    ]) {
      expect(priceFor(unknown), unknown).toBeUndefined();
    }
  });

  it("the suggested models are priced and not on the Anthropic SDK's deprecated list", async () => {
    const { SUGGESTED_MODELS, noModelMessage } = await import("../src/index.js");
    expect(priceFor(SUGGESTED_MODELS.openai.id)).toBeDefined();
    expect(priceFor(SUGGESTED_MODELS.anthropic.id)).toBeDefined();
    const { createRequire } = await import("node:module");
    const { dirname, join } = await import("node:path");
    const req = createRequire(import.meta.url);
    // Not an export of the SDK: read the file the SDK itself uses to warn.
    const sdkData = req(join(dirname(req.resolve("@anthropic-ai/sdk")), "internal", "data", "deprecated-models.js")) as {
      DEPRECATED_MODELS: Record<string, string>;
    };
    expect(Object.keys(sdkData.DEPRECATED_MODELS)).toContain("claude-sonnet-4-5");
    expect(Object.keys(sdkData.DEPRECATED_MODELS)).not.toContain(SUGGESTED_MODELS.anthropic.id.split("/")[1]);
    expect(noModelMessage()).toContain(SUGGESTED_MODELS.anthropic.id);
    expect(noModelMessage()).toMatch(/^No language model is configured: set OTPFORGE_LM \(or pass --lm\) to provider\/model/);
    expect(noModelMessage({ lmFlag: false })).toMatch(/^No language model is configured: set OTPFORGE_LM to provider\/model/);
  });

  it("can be extended by model name or by full LM id", () => {
    registerPrice("my-local-model", { inputPerMTok: 0, outputPerMTok: 0 });
    registerPrice("openai-compatible/qwen-paid", { inputPerMTok: 1, outputPerMTok: 2 });
    expect(priceFor("openai-compatible/my-local-model")).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(priceFor("openai-compatible/qwen-paid")).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(() => registerPrice("bad", { inputPerMTok: -1, outputPerMTok: 0 })).toThrow(/non-negative/);
  });

  it("prices cached prompt tokens at the cached rate", () => {
    // 1M prompt tokens of which 400k cached, 100k completion, at gpt-4o-mini prices.
    const cost = estimateCostUSD("openai/gpt-4o-mini", { promptTokens: 1_000_000, cachedTokens: 400_000, completionTokens: 100_000 });
    expect(cost).toBeCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.1 * 0.6, 9);
    expect(estimateCostUSD("openai-compatible/unknown", { promptTokens: 1, cachedTokens: 0, completionTokens: 1 })).toBeUndefined();
  });
});

describe("usage of LM calls", () => {
  let server: FakeProviderServer;
  const dirs = new TempDirs();
  beforeAll(async () => {
    server = await FakeProviderServer.start({
      handler: () => ({ text: "ok", usage: { promptTokens: 1000, completionTokens: 100, cachedTokens: 200 } }),
    });
  });
  afterAll(async () => {
    await server.close();
    dirs.cleanup();
  });
  beforeEach(() => {
    server.reset();
  });

  const make = (spec = "openai/gpt-4o-mini", options: Parameters<typeof lm>[1] = {}) =>
    lm(spec, { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cacheDir: dirs.make(), ...options });

  it("reports cost per call and totals per LM, counting cache hits without tokens", async () => {
    const model = make();
    const r = await model.generate({ messages: user("a") });
    expect(r.costUSD).toBeCloseTo((800 * 0.15 + 200 * 0.075 + 100 * 0.6) / 1e6, 12);
    const hit = await model.generate({ messages: user("a") });
    expect(hit.costUSD).toBe(0);
    await model.generate({ messages: user("b") });
    expect(model.usage).toEqual({
      calls: 3,
      cacheHits: 1,
      promptTokens: 2000,
      completionTokens: 200,
      cachedTokens: 400,
      costUSD: expect.closeTo(2 * (r.costUSD as number), 12),
      unpricedCalls: 0,
    });
  });

  it("a run's tracker sees only its own calls, even when runs overlap", async () => {
    const a = make();
    const b = make("openai-compatible/local", { env: {} });
    const runA = trackUsage(async () => {
      await a.generate({ messages: user("a1") });
      await a.generate({ messages: user("a2") });
    });
    const runB = trackUsage(async () => {
      await Promise.all([b.generate({ messages: user("b1") }), a.generate({ messages: user("a3") })]);
    });
    const [ra, rb] = await Promise.all([runA, runB]);
    expect(ra.usage.calls).toBe(2);
    expect(Object.keys(ra.usage.byLM)).toEqual(["openai/gpt-4o-mini"]);
    expect(rb.usage.calls).toBe(2);
    expect(rb.usage.byLM["openai-compatible/local"]).toMatchObject({ calls: 1, promptTokens: 1000, unpricedCalls: 1, costUSD: 0 });
    expect(rb.usage.byLM["openai/gpt-4o-mini"]).toMatchObject({ calls: 1, promptTokens: 1000, unpricedCalls: 0 });
    expect(rb.usage.unpricedCalls).toBe(1);
  });

  it("nested trackers: the outer one sees the inner calls too", async () => {
    const model = make();
    const outer = new UsageTracker();
    const before = processUsage.totals().calls;
    await outer.run(async () => {
      await model.generate({ messages: user("outer") });
      const { usage } = await trackUsage(() => model.generate({ messages: user("inner") }));
      expect(usage.calls).toBe(1);
    });
    expect(outer.totals().calls).toBe(2);
    expect(processUsage.totals().calls - before).toBe(2);
  });
});

describe("history", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: (r) => `reply to ${r.messages[r.messages.length - 1]?.content}` });
  });
  afterAll(async () => {
    await server.close();
  });

  it("keeps the last N calls with messages, response, usage, latency and cache hits", async () => {
    const dirs = new TempDirs();
    const model = lm("openai/gpt-4o-mini", {
      env: { OPENAI_API_KEY: SECRET },
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      historySize: 3,
    });
    for (const q of ["q1", "q2", "q3", "q3"])
      await model.generate({ messages: [{ role: "system", content: "Be brief." }, ...user(q)], temperature: 0 });
    const h = model.history();
    expect(h.map((e) => [e.messages[1]?.content, e.completions[0]?.text, e.cacheHit])).toEqual([
      ["q2", "reply to q2", false],
      ["q3", "reply to q3", false],
      ["q3", "reply to q3", true],
    ]);
    expect(h[0]!.usage.promptTokens).toBeGreaterThan(0);
    expect(h[2]!.usage.promptTokens).toBe(0);
    expect(h.every((e) => e.latencyMs >= 0 && e.lm === "openai/gpt-4o-mini")).toBe(true);

    const text = model.inspectHistory(2);
    expect(text).toContain("SYSTEM:\n  Be brief.");
    expect(text).toContain("USER:\n  q3");
    expect(text).toContain("RESPONSE:\n  reply to q3");
    expect(text).toContain("CACHE HIT");
    expect(text).toContain("temperature=0");
    expect(text).not.toContain("q2");
    expect(text).not.toContain(SECRET);
    // The process-wide history has them too.
    expect(inspectHistory(1)).toContain("reply to q3");
    dirs.cleanup();
  });
});
