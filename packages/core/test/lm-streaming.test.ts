// Long answers are read as a stream through the real SDKs, so an answer that
// keeps coming is not a timeout; the pieces come back together as one answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lm, LMRequestError } from "../src/index.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, TempDirs, user } from "./lm-helpers.js";

let server: FakeProviderServer;
const dirs = new TempDirs();
const TEXT = "a long answer that arrives in several pieces";
beforeAll(async () => {
  server = await FakeProviderServer.start({
    handler: () => ({ text: TEXT, usage: { promptTokens: 50, completionTokens: 9, cachedTokens: 10 } }),
  });
});
afterAll(async () => {
  await server.close();
  dirs.cleanup();
});

const make = (spec: string, options: Parameters<typeof lm>[1] = {}) =>
  lm(spec, {
    env: { OPENAI_API_KEY: SECRET, ANTHROPIC_API_KEY: SECRET },
    baseURL: spec.startsWith("anthropic") ? server.anthropicBaseURL : server.openaiBaseURL,
    cacheDir: dirs.make(),
    onNotice: () => {},
    ...options,
  });

describe("streaming", () => {
  for (const spec of ["openai/gpt-5-mini", "anthropic/claude-haiku-4-5"]) {
    it(`${spec}: a stream slower in total than timeoutMs, but steady, completes with the whole text and usage`, async () => {
      server.reset();
      server.streamChunkDelayMs = 120;
      try {
        const slow = make(spec, { timeoutMs: 400, stream: true, retry: { maxAttempts: 1 } });
        const started = performance.now();
        const r = await slow.generate({ messages: user("tell me") });
        expect(performance.now() - started).toBeGreaterThan(400);
        expect(r.completions[0]!.text).toBe(TEXT);
        expect(r.completions[0]!.finishReason).toBe("stop");
        expect(r.usage).toEqual({ promptTokens: 50, completionTokens: 9, cachedTokens: 10 });
        expect((server.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
        // The same answer without streaming is a timeout: the body only comes at the end.
        server.reset().injectFault({ kind: "slow", delayMs: 1000 });
        const plain = make(spec, { timeoutMs: 400, stream: false, retry: { maxAttempts: 1 } });
        await expect(plain.generate({ messages: user("tell me again") })).rejects.toBeInstanceOf(LMRequestError);
      } finally {
        server.streamChunkDelayMs = 0;
      }
    });
  }

  it("ax/openai: the Ax path streams too, and the pieces make the whole answer", async () => {
    server.reset();
    server.streamChunkDelayMs = 120;
    try {
      const model = make("ax/openai/gpt-4o-mini", { timeoutMs: 400, stream: true, retry: { maxAttempts: 1 } });
      const r = await model.generate({ messages: user("ax stream") });
      expect(r.completions[0]!.text).toBe(TEXT);
      expect((server.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
    } finally {
      server.streamChunkDelayMs = 0;
    }
  });

  it("streams by default when a request allows a long answer (maxTokens >= 8192), not otherwise", async () => {
    server.reset();
    const model = make("openai/gpt-5-mini");
    await model.generate({ messages: user("short"), maxTokens: 100 });
    await model.generate({ messages: user("long"), maxTokens: 16_384 });
    expect(server.requests.map((q) => (q.body as { stream?: boolean }).stream ?? false)).toEqual([false, true]);
  });

  it("Anthropic: a forced-tool (structured) answer is put back together from its JSON deltas", async () => {
    const json = await FakeProviderServer.start({ handler: () => '{"answer": "streamed", "n": 3}' });
    try {
      const model = lm("anthropic/claude-haiku-4-5", {
        env: { ANTHROPIC_API_KEY: SECRET },
        baseURL: json.anthropicBaseURL,
        cacheDir: dirs.make(),
        stream: true,
      });
      const r = await model.generate({
        messages: user("json"),
        responseFormat: {
          type: "json_schema",
          name: "A",
          schema: { type: "object", properties: { answer: { type: "string" }, n: { type: "number" } } },
        },
      });
      expect(JSON.parse(r.completions[0]!.text)).toEqual({ answer: "streamed", n: 3 });
    } finally {
      await json.close();
    }
  });
});
