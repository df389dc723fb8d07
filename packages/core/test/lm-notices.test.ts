// Notices a user with a real key would otherwise meet hundreds of times: an
// SDK's deprecation warning and an unpriced model, each said once.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lm } from "../src/index.js";
import { unpricedAdvice } from "../src/internal.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, TempDirs, user } from "./lm-helpers.js";

let server: FakeProviderServer;
const dirs = new TempDirs();
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: () => ({ text: "ok", usage: { promptTokens: 10, completionTokens: 2 } }) });
});
afterAll(async () => {
  await server.close();
  dirs.cleanup();
});

describe("one-time notices", () => {
  it("shows the Anthropic SDK's deprecation warning once for many calls to a deprecated model", async () => {
    const warn = vi.spyOn(console, "warn");
    const seen: string[] = [];
    const impl = (...args: unknown[]) => void seen.push(String(args[0]));
    warn.mockImplementation(impl);
    try {
      const model = lm("anthropic/claude-sonnet-4-5", {
        env: { ANTHROPIC_API_KEY: SECRET },
        baseURL: server.anthropicBaseURL,
        cacheDir: dirs.make(),
        onNotice: () => {},
      });
      for (let i = 0; i < 12; i++) await model.generate({ messages: user(`q${i}`) });
      expect(server.requests.length).toBeGreaterThanOrEqual(12);
    } finally {
      warn.mockRestore();
    }
    // The SDK warns on every call; once reached the console.
    const deprecations = seen.filter((l) => /The model 'claude-sonnet-4-5' is deprecated/.test(l));
    expect(deprecations).toHaveLength(1);
  });

  it("reports an unpriced model once, with how to price it", async () => {
    const notices: string[] = [];
    const model = lm("openai/gpt-5.4-mini", {
      env: { OPENAI_API_KEY: SECRET },
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      onNotice: (m) => notices.push(m),
    });
    for (let i = 0; i < 5; i++) {
      const r = await model.generate({ messages: user(`p${i}`) });
      expect(r.costUSD).toBeUndefined();
    }
    expect(notices).toEqual([unpricedAdvice("openai/gpt-5.4-mini")]);
    expect(notices[0]).toMatch(
      /is not in the price table \(prices checked \d{4}-\d{2}-\d{2}\).*registerPrice\("gpt-5\.4-mini", \{ inputPerMTok, outputPerMTok, cachedInputPerMTok \}\)/,
    );
    expect(model.usage.unpricedCalls).toBe(5);
  });
});
