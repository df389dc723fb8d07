// When a provider refuses structured output, the call still succeeds: a
// json_schema refusal falls back to a plain JSON object, once per LM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lm } from "../src/index.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { TempDirs, user } from "./lm-helpers.js";

let server: FakeProviderServer;
const dirs = new TempDirs();
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: () => '{"answer": "ok"}' });
});
afterAll(async () => {
  await server.close();
  dirs.cleanup();
});

const schema = {
  type: "json_schema" as const,
  name: "Answer",
  schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
};

describe("structured-output fallbacks", () => {
  it("falls back from json_schema to a JSON object when the server refuses the schema, and keeps to it", async () => {
    server.reset().injectFault({
      kind: "server_error",
      status: 400,
      message: "Invalid schema for response_format 'Answer': json_schema is not supported",
    });
    const model = lm("openai-compatible/local-llm", {
      env: {},
      apiKey: "none",
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      onNotice: () => {},
    });
    const r = await model.generate({ messages: user("JSON please"), responseFormat: schema });
    expect(r.completions[0]!.text).toBe('{"answer": "ok"}');
    await model.generate({ messages: user("again, JSON"), responseFormat: schema });
    const formats = server.requests.map((q) => (q.body as { response_format?: { type: string } }).response_format?.type);
    expect(formats).toEqual(["json_schema", "json_object", "json_object"]);
  });

  it("does not hide other 400s", async () => {
    server.reset().injectFault({ kind: "server_error", status: 400, message: "messages: too long" });
    const model = lm("openai-compatible/local-llm", {
      env: {},
      apiKey: "none",
      baseURL: server.openaiBaseURL,
      cacheDir: dirs.make(),
      onNotice: () => {},
    });
    await expect(model.generate({ messages: user("x"), responseFormat: schema })).rejects.toThrow(/too long/);
    expect(server.requests).toHaveLength(1);
  });
});
