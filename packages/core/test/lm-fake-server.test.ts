// The fake provider server on its own, with plain fetch: the wire formats
// it speaks, the faults it injects, and what it records.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeProviderServer, type FakeRequest } from "../src/testing/index.js";

describe("FakeProviderServer", () => {
  let server: FakeProviderServer;
  const seen: FakeRequest[] = [];

  beforeAll(async () => {
    server = await FakeProviderServer.start({
      handler: (req) => {
        seen.push(req);
        return { text: `reply ${req.choiceIndex}`, usage: { promptTokens: 50, completionTokens: 5, cachedTokens: 10 } };
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    seen.length = 0;
  });

  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("listens on 127.0.0.1 with an OS-chosen port", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.openaiBaseURL).toBe(`${server.url}/v1`);
  });

  it("answers OpenAI chat completions, n choices, with usage", async () => {
    const res = await post("/v1/chat/completions", {
      model: "m",
      messages: [
        { role: "developer", content: "sys" },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ],
      n: 2,
      max_completion_tokens: 9,
      response_format: { type: "json_schema", json_schema: { name: "Out", schema: { type: "object" } } },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, "reply 0", "stop"],
      [1, "reply 1", "stop"],
    ]);
    // The prompt is counted once for all choices; completions add up.
    expect(body.usage).toEqual({
      prompt_tokens: 50,
      completion_tokens: 10,
      total_tokens: 60,
      prompt_tokens_details: { cached_tokens: 10 },
    });
    expect(seen[0]).toMatchObject({
      protocol: "openai",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "hi" },
      ],
      maxTokens: 9,
      n: 2,
      responseFormat: { name: "Out", schema: { type: "object" } },
    });
  });

  it("answers Anthropic messages, and a forced tool with the handler's JSON as its input", async () => {
    server.handler = () => '{"answer": 4}';
    const res = await post("/v1/messages", {
      model: "c",
      max_tokens: 10,
      system: [{ type: "text", text: "sys" }],
      messages: [{ role: "user", content: "2+2" }],
      tools: [{ name: "out", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "out" },
    });
    const body = (await res.json()) as any;
    expect(body.content).toEqual([{ type: "tool_use", id: expect.any(String), name: "out", input: { answer: 4 } }]);
    expect(body.stop_reason).toBe("tool_use");
    server.handler = () => ({ text: "plain", usage: { promptTokens: 30, completionTokens: 2, cachedTokens: 12 } });
    const plain = (await (
      await post("/v1/messages", { model: "c", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
    ).json()) as any;
    expect(plain.content).toEqual([{ type: "text", text: "plain" }]);
    expect(plain.stop_reason).toBe("end_turn");
    // Anthropic reports cache reads apart from input_tokens.
    expect(plain.usage).toMatchObject({ input_tokens: 18, cache_read_input_tokens: 12, output_tokens: 2 });
  });

  it("estimates usage when the handler gives none", async () => {
    server.handler = () => "12345678";
    const body = (await (await post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "abcd" }] })).json()) as any;
    expect(body.usage.completion_tokens).toBe(2);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("injects faults in order, each for as many requests as asked", async () => {
    server
      .injectFault({ kind: "rate_limit", retryAfterSeconds: 3, retryAfterMs: 2500 })
      .injectFault({ kind: "server_error", status: 503 }, 2);
    const r1 = await post("/v1/chat/completions", { model: "m", messages: [] });
    expect(r1.status).toBe(429);
    expect(r1.headers.get("retry-after")).toBe("3");
    expect(r1.headers.get("retry-after-ms")).toBe("2500");
    expect(((await r1.json()) as any).error.type).toBe("rate_limit_exceeded");
    const r2 = await post("/v1/messages", { model: "c", max_tokens: 1, messages: [] });
    expect(r2.status).toBe(503);
    expect(((await r2.json()) as any).type).toBe("error");
    expect((await post("/v1/chat/completions", { model: "m", messages: [] })).status).toBe(503);
    expect((await post("/v1/chat/completions", { model: "m", messages: [] })).status).toBe(200);
    expect(server.requests.map((r) => r.fault ?? "ok")).toEqual(["rate_limit", "server_error", "server_error", "ok"]);
  });

  it("sends malformed JSON, truncated answers, and drops connections on request", async () => {
    server.handler = () => "abcdefgh";
    server.injectFault({ kind: "malformed_json" }).injectFault({ kind: "truncated" }).injectFault({ kind: "disconnect" });
    const bad = await post("/v1/chat/completions", { model: "m", messages: [] });
    expect(bad.status).toBe(200);
    await expect(bad.clone().json()).rejects.toThrow();
    const cut = (await (await post("/v1/chat/completions", { model: "m", messages: [] })).json()) as any;
    expect([cut.choices[0].message.content, cut.choices[0].finish_reason]).toEqual(["abcd", "length"]);
    await expect(post("/v1/chat/completions", { model: "m", messages: [] })).rejects.toThrow();
  });

  it("records requests (headers, body) and answers 404 for other paths", async () => {
    const res = await fetch(`${server.url}/v1/embeddings`, { method: "POST", body: "{}", headers: { authorization: "Bearer k" } });
    expect(res.status).toBe(404);
    expect(server.requests[0]).toMatchObject({
      protocol: "unknown",
      path: "/v1/embeddings",
      headers: { authorization: "Bearer k" },
      body: {},
    });
    expect(server.modelRequests).toHaveLength(0);
  });

  it("tracks the peak number of requests in flight", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.handler = async () => {
      await gate;
      return "ok";
    };
    const calls = [1, 2, 3].map(() => post("/v1/chat/completions", { model: "m", messages: [] }));
    while (server.inFlight < 3) await new Promise((r) => setTimeout(r, 5));
    release();
    await Promise.all(calls);
    expect(server.peakInFlight).toBe(3);
    while (server.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    expect(server.inFlight).toBe(0);
  });
});
