// Reasoning controls and provider parameters reach the wire through the real
// SDKs, from lm(), from a request and from Predict, and are part of the cache key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lm, Predict, signature } from "../src/index.js";
import { lmCacheKey } from "../src/internal.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, TempDirs, user } from "./lm-helpers.js";
import { z } from "zod";

let server: FakeProviderServer;
const dirs = new TempDirs();
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: () => "[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]" });
});
afterAll(async () => {
  await server.close();
  dirs.cleanup();
});

const bodies = () => server.requests.map((r) => r.body as Record<string, unknown>);

describe("provider parameters", () => {
  it("OpenAI: reasoning_effort and passthrough options (top_p, stop, seed) reach the request body", async () => {
    server.reset();
    const model = lm("openai/gpt-5-mini", {
      env: { OPENAI_API_KEY: SECRET },
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      reasoningEffort: "low",
      providerOptions: { seed: 7 },
    });
    await model.generate({ messages: user("a"), providerOptions: { top_p: 0.5, stop: ["END"] } });
    expect(bodies()[0]).toMatchObject({ reasoning_effort: "low", seed: 7, top_p: 0.5, stop: ["END"] });
  });

  it("Anthropic: a thinking budget and an effort reach the request body", async () => {
    server.reset();
    const model = lm("anthropic/claude-haiku-4-5", {
      env: { ANTHROPIC_API_KEY: SECRET },
      baseURL: server.anthropicBaseURL,
      cacheDir: dirs.make(),
    });
    await model.generate({ messages: user("b"), thinkingBudgetTokens: 2048, reasoningEffort: "high", providerOptions: { top_k: 5 } });
    expect(bodies()[0]).toMatchObject({ thinking: { type: "enabled", budget_tokens: 2048 }, output_config: { effort: "high" }, top_k: 5 });
  });

  it("Predict passes its own parameters, and a call's override them", async () => {
    server.reset();
    const model = lm("openai/gpt-5-mini", { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cacheDir: dirs.make() });
    const QA = signature({ name: "QA", instructions: "answer", inputs: { q: z.string() }, outputs: { answer: z.string() } });
    const p = new Predict(QA, { lm: model, reasoningEffort: "medium", providerOptions: { seed: 1 } });
    await p.forward({ q: "x" });
    await p.forward({ q: "y" }, { reasoningEffort: "high", providerOptions: { seed: 2 } });
    expect(bodies().map((b) => [b.reasoning_effort, b.seed])).toEqual([
      ["medium", 1],
      ["high", 2],
    ]);
  });

  it("the parameters are part of the cache key (and requests without them keep their old keys)", async () => {
    const base = { provider: "openai", model: "gpt-5-mini", request: { messages: user("k") } };
    const plain = lmCacheKey(base);
    expect(lmCacheKey({ ...base, request: { messages: user("k"), providerOptions: {} } })).toBe(plain);
    const keys = [
      lmCacheKey({ ...base, request: { messages: user("k"), reasoningEffort: "low" } }),
      lmCacheKey({ ...base, request: { messages: user("k"), reasoningEffort: "high" } }),
      lmCacheKey({ ...base, request: { messages: user("k"), thinkingBudgetTokens: 1024 } }),
      lmCacheKey({ ...base, request: { messages: user("k"), providerOptions: { seed: 1 } } }),
      lmCacheKey({ ...base, request: { messages: user("k"), providerOptions: { seed: 2 } } }),
    ];
    expect(new Set([plain, ...keys]).size).toBe(6);
    // Over the wire: a second call with another effort is not served from the cache.
    server.reset();
    const model = lm("openai/gpt-5-mini", { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cacheDir: dirs.make() });
    await model.generate({ messages: user("c"), reasoningEffort: "low" });
    const again = await model.generate({ messages: user("c"), reasoningEffort: "low" });
    const other = await model.generate({ messages: user("c"), reasoningEffort: "high" });
    expect(again.cacheHit).toBe(true);
    expect(other.cacheHit).toBe(false);
    expect(server.requests).toHaveLength(2);
  });
});

describe("Anthropic requests", () => {
  it("mark the system prompt and the last demo for prompt caching, and count cache reads in usage and cost", async () => {
    const cached = await FakeProviderServer.start({
      handler: () => ({ text: "ok", usage: { promptTokens: 1000, completionTokens: 10, cachedTokens: 800 } }),
    });
    try {
      const model = lm("anthropic/claude-haiku-4-5", {
        env: { ANTHROPIC_API_KEY: SECRET },
        baseURL: cached.anthropicBaseURL,
        cacheDir: dirs.make(),
      });
      const r = await model.generate({
        messages: [
          { role: "system", content: "instructions and fields" },
          { role: "user", content: "demo question" },
          { role: "assistant", content: "demo answer" },
          { role: "user", content: "the real question" },
        ],
      });
      const body = cached.requests[0]!.body as { system: Array<{ cache_control?: unknown }>; messages: Array<{ content: unknown }> };
      expect(body.system[0]!.cache_control).toEqual({ type: "ephemeral" });
      expect(body.messages[1]!.content).toEqual([{ type: "text", text: "demo answer", cache_control: { type: "ephemeral" } }]);
      expect(body.messages[2]!.content).toBe("the real question");
      expect(r.usage.cachedTokens).toBe(800);
      // haiku-4-5: $1 in, $0.10 cache read, $5 out per million tokens.
      expect(r.costUSD).toBeCloseTo((200 * 1 + 800 * 0.1 + 10 * 5) / 1e6, 12);
    } finally {
      await cached.close();
    }
  });

  const schema = { type: "json_schema" as const, name: "A", schema: { type: "object", properties: { a: { type: "string" } } } };

  it("use native structured output, and honour structuredOutput: false (neither format nor tool)", async () => {
    server.reset();
    const on = lm("anthropic/claude-haiku-4-5", {
      env: { ANTHROPIC_API_KEY: SECRET },
      baseURL: server.anthropicBaseURL,
      cacheDir: dirs.make(),
    });
    const off = lm("anthropic/claude-haiku-4-5", {
      env: { ANTHROPIC_API_KEY: SECRET },
      baseURL: server.anthropicBaseURL,
      cacheDir: dirs.make(),
      structuredOutput: false,
    });
    await on.generate({ messages: user("s1"), responseFormat: schema });
    await off.generate({ messages: user("s2"), responseFormat: schema });
    const [a, b] = bodies();
    expect(a).toMatchObject({ output_config: { format: { type: "json_schema", schema: schema.schema } } });
    expect(a).not.toHaveProperty("tool_choice");
    expect(b).not.toHaveProperty("tool_choice");
    expect(b).not.toHaveProperty("tools");
    expect(b).not.toHaveProperty("output_config");
  });

  it("fall back to the forced tool when the model refuses native structured output, and keep to it", async () => {
    server.reset().injectFault({
      kind: "server_error",
      status: 400,
      message: "output_config.format: structured outputs are not supported by this model",
    });
    const model = lm("anthropic/claude-haiku-4-5", {
      env: { ANTHROPIC_API_KEY: SECRET },
      baseURL: server.anthropicBaseURL,
      cacheDir: dirs.make(),
    });
    server.handler = () => '{"a": "x"}';
    const r = await model.generate({ messages: user("f1"), responseFormat: schema });
    expect(JSON.parse(r.completions[0]!.text)).toEqual({ a: "x" });
    await model.generate({ messages: user("f2"), responseFormat: schema });
    expect(bodies().map((q) => (q.output_config ? "native" : q.tool_choice ? "tool" : "none"))).toEqual(["native", "tool", "tool"]);
  });
});

describe("Ax providers", () => {
  it("put providerOptions into Ax's modelConfig, which reaches the wire", async () => {
    server.reset();
    server.handler = () => "ok";
    // (a non-reasoning model: Ax leaves sampling parameters out for reasoning ones)
    const model = lm("ax/openai/gpt-4o-mini", {
      env: { OPENAI_API_KEY: SECRET },
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      onNotice: () => {},
    });
    await model.generate({ messages: user("ax"), providerOptions: { topP: 0.25 } });
    expect(bodies()[0]).toMatchObject({ top_p: 0.25 });
  });
});
