// Every provider path through its real SDK, over real HTTP, against the
// fake provider server: answers and usage, retries, timeouts, the cache,
// the in-flight limit, structured output, and that the key stays out of the cache.
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LMRequestError, trackUsage } from "../src/index.js";
import { FakeProviderServer, type FakeHandler } from "../src/testing/index.js";
import { makeLM, PROVIDER_PATHS, recordingRetry, SECRET, TempDirs, user } from "./lm-helpers.js";

const echo: FakeHandler = (req) => `echo: ${req.messages[req.messages.length - 1]?.content ?? ""}`;

describe.each(PROVIDER_PATHS)("$spec against the fake server", (path) => {
  let server: FakeProviderServer;
  const dirs = new TempDirs();

  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: echo });
  });
  afterAll(async () => {
    await server.close();
    dirs.cleanup();
  });
  beforeEach(() => {
    server.reset();
    server.handler = echo;
  });

  it("parses the answer and the usage, and sends model, messages and parameters", async () => {
    server.handler = () => ({ text: "The answer is 4.", usage: { promptTokens: 120, completionTokens: 7, cachedTokens: 20 } });
    const model = makeLM(path, server, { cache: false });
    const res = await model.generate({
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "What is 2+2?" },
      ],
      temperature: 0.25,
      maxTokens: 64,
    });
    expect(res.completions).toEqual([{ text: "The answer is 4.", finishReason: "stop" }]);
    expect(res.usage).toEqual({ promptTokens: 120, completionTokens: 7, cachedTokens: 20 });
    expect(res.cacheHit).toBe(false);
    expect(res.model).toBe(model.id);

    expect(server.modelRequests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.protocol).toBe(path.protocol);
    const body = sent.body as Record<string, unknown>;
    expect(body.model).toBe(path.spec.split("/").pop());
    expect(body.temperature).toBe(0.25);
    expect(body.max_tokens ?? body.max_completion_tokens).toBe(64);
    expect(JSON.stringify(body)).toContain("Answer briefly.");
    expect(JSON.stringify(body)).toContain("What is 2+2?");
    // The key travels in the provider's auth header, and only there.
    expect(`${sent.headers.authorization ?? ""} ${sent.headers["x-api-key"] ?? ""}`).toContain(SECRET);
  });

  it("retries a 429 after the server's retry-after, then succeeds", async () => {
    const { waits, retry } = recordingRetry();
    const model = makeLM(path, server, { cache: false, retry });
    server.injectFault({ kind: "rate_limit", retryAfterSeconds: 7 });
    const res = await model.generate({ messages: user("rate limited?") });
    expect(res.completions[0]?.text).toBe("echo: rate limited?");
    expect(server.modelRequests.map((r) => r.fault ?? "ok")).toEqual(["rate_limit", "ok"]);
    expect(waits).toEqual([7000]);
  });

  it("gives up on a persistent 500 with an error that lists every attempt", async () => {
    const { waits, retry } = recordingRetry({ maxAttempts: 3 });
    const model = makeLM(path, server, { cache: false, retry });
    server.injectFault({ kind: "server_error" }, Infinity);
    const err = await model.generate({ messages: user("fail") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LMRequestError);
    const e = err as LMRequestError;
    expect(server.modelRequests).toHaveLength(3);
    expect(e.attempts.map((a) => [a.attempt, a.kind, a.status])).toEqual([
      [1, "server_error", 500],
      [2, "server_error", 500],
      [3, "server_error", 500],
    ]);
    expect(e.message).toContain(`${model.id}: request failed after 3 attempts.`);
    expect(e.message).toMatch(/1\. HTTP 500 server error .* retrying in 75 ms/);
    expect(e.message).toMatch(/3\. HTTP 500 server error/);
    expect(e.message).toContain("raise retry.maxAttempts");
    expect(e.message).not.toContain(SECRET);
    expect(waits).toEqual([75, 150]);
  });

  it("abandons an attempt slower than timeoutMs and retries it", async () => {
    const { waits, retry } = recordingRetry({ maxAttempts: 2 });
    const model = makeLM(path, server, { cache: false, retry, timeoutMs: 1500 });
    server.injectFault({ kind: "slow", delayMs: 60_000 });
    const res = await model.generate({ messages: user("slow") });
    expect(res.completions[0]?.text).toBe("echo: slow");
    expect(server.modelRequests.map((r) => r.fault ?? "ok")).toEqual(["slow", "ok"]);
    expect(waits).toHaveLength(1);
  });

  it("retries malformed JSON and a dropped connection", async () => {
    const { waits, retry } = recordingRetry();
    const model = makeLM(path, server, { cache: false, retry });
    server.injectFault({ kind: "malformed_json" }).injectFault({ kind: "disconnect" });
    const res = await model.generate({ messages: user("flaky") });
    expect(res.completions[0]?.text).toBe("echo: flaky");
    expect(server.modelRequests.map((r) => r.fault ?? "ok")).toEqual(["malformed_json", "disconnect", "ok"]);
    expect(waits).toHaveLength(2);
  });

  it("reports a truncated answer with finish reason length", async () => {
    server.handler = () => "0123456789abcdef";
    const model = makeLM(path, server, { cache: false });
    server.injectFault({ kind: "truncated" });
    const res = await model.generate({ messages: user("long") });
    expect(res.completions).toEqual([{ text: "01234567", finishReason: "length" }]);
  });

  it("asks for structured output the provider's way and returns the JSON text", async () => {
    server.handler = () => JSON.stringify({ answer: "4", confidence: 0.9 });
    const model = makeLM(path, server, { cache: false });
    const schema = { type: "object", properties: { answer: { type: "string" }, confidence: { type: "number" } }, required: ["answer"] };
    const res = await model.generate({ messages: user("2+2?"), responseFormat: { type: "json_schema", name: "QA answer", schema } });
    expect(JSON.parse(res.completions[0]!.text)).toEqual({ answer: "4", confidence: 0.9 });
    const body = server.requests[0]!.body as Record<string, any>;
    if (path.structured === "response_format") {
      expect(body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "QA_answer", schema } });
    } else if (path.structured === "native_format") {
      expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
      expect(body.tool_choice).toBeUndefined();
    } else if (path.structured === "forced_tool") {
      expect(body.tool_choice).toEqual({ type: "tool", name: "QA_answer" });
      expect(body.tools).toEqual([expect.objectContaining({ name: "QA_answer", input_schema: schema })]);
    } else {
      expect(body.response_format).toBeUndefined();
      expect(body.tools).toBeUndefined();
    }
  });

  it("never has more requests in flight than maxInFlight, under 50 concurrent calls", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    server.handler = async (req) => {
      await gate;
      return `done ${req.messages[0]?.content}`;
    };
    const model = makeLM(path, server, { cache: false, maxInFlight: 4 });
    const calls = Array.from({ length: 50 }, (_, i) => model.generate({ messages: user(`call ${i}`) }));
    // Hold every answer until the limit is reached, and a little longer: a
    // client that ignored the limit would have all 50 requests open by then.
    await until(() => server.inFlight === 4);
    await new Promise((r) => setTimeout(r, 150));
    expect(server.inFlight).toBe(4);
    open();
    const results = await Promise.all(calls);
    expect(results.map((r) => r.completions[0]?.text)).toEqual(Array.from({ length: 50 }, (_, i) => `done call ${i}`));
    expect(server.peakInFlight).toBe(4);
    expect(server.modelRequests).toHaveLength(50);
  });

  it("serves a repeated request from the cache: no request, no usage", async () => {
    const model = makeLM(path, server, { cacheDir: dirs.make() });
    const req = { messages: user("cache me"), temperature: 0 };
    const { usage } = await trackUsage(async () => {
      const first = await model.generate(req);
      const second = await model.generate(req);
      expect(first.cacheHit).toBe(false);
      expect(second.cacheHit).toBe(true);
      expect(second.completions).toEqual(first.completions);
      expect(second.usage).toEqual({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
    });
    expect(server.modelRequests).toHaveLength(1);
    expect(usage.calls).toBe(2);
    expect(usage.cacheHits).toBe(1);
    expect(usage.promptTokens).toBeGreaterThan(0);
    expect(usage.promptTokens).toBe(model.usage.promptTokens);
    // Turned off per call: a request is made again.
    await model.generate({ ...req, cache: false });
    expect(server.modelRequests).toHaveLength(2);
  });

  it("a new rolloutId bypasses the cached answer, and is cached in turn", async () => {
    const model = makeLM(path, server, { cacheDir: dirs.make() });
    const req = { messages: user("sample me"), temperature: 1 };
    await model.generate(req);
    const r1 = await model.generate({ ...req, rolloutId: 1 });
    const r1again = await model.generate({ ...req, rolloutId: 1 });
    const r2 = await model.generate({ ...req, rolloutId: "2" });
    expect([r1.cacheHit, r1again.cacheHit, r2.cacheHit]).toEqual([false, true, false]);
    expect(server.modelRequests).toHaveLength(3);
  });

  it("never writes the API key into the cache files", async () => {
    const dir = dirs.make();
    server.handler = (req) => `answer for ${req.messages[0]?.content}`;
    const model = makeLM(path, server, { cacheDir: dir, headers: { "x-custom-secret": `${SECRET}-header` } });
    for (let i = 0; i < 5; i++) await model.generate({ messages: user(`question ${i}`) });
    expect(server.requests.every((r) => r.headers["x-custom-secret"] === `${SECRET}-header`)).toBe(true);
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.some((f) => f.endsWith("lm-cache.sqlite"))).toBe(true);
    const bytes = Buffer.concat(files.filter(existsSync).map((f) => readFileSync(f)));
    // The files do hold the cached answers (so the search below looks at the right bytes)...
    expect(bytes.includes("answer for question 3")).toBe(true);
    // ...and nothing of the key or the headers.
    expect(bytes.includes(SECRET)).toBe(false);
  });
});

async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 5));
  }
}
