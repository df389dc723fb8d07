// Choosing a model by string: spec parsing, keys from the usual variables,
// base URLs, OTPFORGE_LM, and the errors a user meets when something is missing.
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentLM, lm, lmFromEnv, LMConfigError, LMRequestError, MissingAPIKeyError, UnknownProviderError } from "../src/index.js";
import { envLM, parseLMSpec } from "../src/internal.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, user } from "./lm-helpers.js";

describe("parseLMSpec", () => {
  it("splits provider and model; the model may contain slashes", () => {
    expect(parseLMSpec("openai/gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseLMSpec("openai-compatible/Qwen/Qwen2.5-Coder-7B")).toEqual({
      provider: "openai-compatible",
      model: "Qwen/Qwen2.5-Coder-7B",
    });
    expect(parseLMSpec(" anthropic/claude-sonnet-4-5 ")).toEqual({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(parseLMSpec("ax/groq/openai/gpt-oss-20b")).toEqual({ provider: "ax", axProvider: "groq", model: "openai/gpt-oss-20b" });
  });

  it("rejects an unknown provider, listing the valid prefixes", () => {
    const err = (() => {
      try {
        parseLMSpec("mistral/mistral-large");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnknownProviderError);
    expect((err as Error).message).toContain('Unknown LM provider "mistral"');
    for (const p of ["openai/", "openai-compatible/", "anthropic/", "ax/<provider>/"]) expect((err as Error).message).toContain(p);
  });

  it("rejects a spec without provider or model, saying what to write", () => {
    expect(() => parseLMSpec("gpt-4o")).toThrow(/names no provider.*"openai\/gpt-4o"/);
    expect(() => parseLMSpec("openai/")).toThrow(LMConfigError);
    expect(() => parseLMSpec("ax/groq")).toThrow(/ax\/<provider>\/<model>/);
    expect(() => parseLMSpec("")).toThrow(LMConfigError);
  });
});

describe("lm()", () => {
  it("names the missing key variable for each provider", () => {
    const cases: Array<[string, string]> = [
      ["openai/gpt-4o-mini", "OPENAI_API_KEY"],
      ["anthropic/claude-test", "ANTHROPIC_API_KEY"],
      ["ax/groq/llama-3.3-70b-versatile", "GROQ_API_KEY"],
      ["ax/mistral/mistral-small-latest", "MISTRAL_API_KEY"],
      ["ax/gemini/gemini-2.5-flash", "GOOGLE_API_KEY"],
    ];
    for (const [spec, variable] of cases) {
      let err: unknown;
      try {
        lm(spec, { env: {} });
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(MissingAPIKeyError);
      expect((err as MissingAPIKeyError).variable).toBe(variable);
      expect((err as Error).message).toContain(`set the ${variable} environment variable`);
    }
  });

  it("rejects an unknown Ax provider, listing Ax's providers", () => {
    expect(() => lm("ax/nosuchcloud/model", { env: {} })).toThrow(UnknownProviderError);
    expect(() => lm("ax/nosuchcloud/model", { env: {} })).toThrow(/ax\/groq\/.*ax\/ollama\//s);
  });

  it("resolves Ax aliases to the canonical provider id and needs no key for local servers", () => {
    expect(lm("ax/claude/claude-test", { env: { ANTHROPIC_API_KEY: "k" } }).id).toBe("ax/anthropic/claude-test");
    expect(lm("ax/ollama/llama3.2", { env: {} }).id).toBe("ax/ollama/llama3.2");
  });

  it("openai-compatible needs a base URL, and says where to find one", () => {
    expect(() => lm("openai-compatible/qwen", { env: {} })).toThrow(/needs the server's base URL.*Ollama: http:\/\/localhost:11434\/v1/);
    expect(lm("openai-compatible/qwen", { env: { OPENAI_BASE_URL: "http://localhost:11434/v1" } }).baseURL).toBe(
      "http://localhost:11434/v1",
    );
  });

  it("shows no key, header or environment when printed or serialised", () => {
    const model = lm("openai/gpt-4o-mini", {
      env: { OPENAI_API_KEY: SECRET, OTHER: SECRET },
      headers: { "x-secret": SECRET },
      baseURL: `https://user:${SECRET}@example.com/v1`,
    });
    expect(JSON.parse(JSON.stringify(model))).toEqual({
      id: "openai/gpt-4o-mini",
      provider: "openai",
      model: "gpt-4o-mini",
      baseURL: "https://example.com/v1",
    });
    expect(inspect(model, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(String(model)).toBe("openai/gpt-4o-mini");
  });

  it("rejects bad numeric options with a typed error", () => {
    expect(() => lm("openai/gpt-4o-mini", { env: { OPENAI_API_KEY: "k" }, timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
    expect(() => lm("openai/gpt-4o-mini", { env: { OPENAI_API_KEY: "k" }, maxInFlight: 0 })).toThrow(/maxInFlight/);
  });
});

describe("base URLs and keys over HTTP", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: () => "pong" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("openai/ honours OPENAI_BASE_URL", async () => {
    server.reset();
    const model = lm("openai/gpt-4o-mini", { env: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: server.openaiBaseURL }, cache: false });
    expect((await model.generate({ messages: user("ping") })).completions[0]?.text).toBe("pong");
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it("anthropic/ honours ANTHROPIC_BASE_URL", async () => {
    server.reset();
    const model = lm("anthropic/claude-test", {
      env: { ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: server.anthropicBaseURL },
      cache: false,
    });
    expect((await model.generate({ messages: user("ping") })).completions[0]?.text).toBe("pong");
    expect(server.requests[0]?.path).toBe("/v1/messages");
    // This SDK version sends the key as a bearer token (older ones used x-api-key).
    const h = server.requests[0]!.headers;
    expect(h["x-api-key"] ?? h.authorization?.replace(/^Bearer /, "")).toBe(SECRET);
  });

  it("openai-compatible/ never sends OPENAI_API_KEY to a base URL given in code", async () => {
    server.reset();
    const model = lm("openai-compatible/qwen", { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cache: false });
    await model.generate({ messages: user("ping") });
    expect(JSON.stringify(server.requests[0]?.headers)).not.toContain(SECRET);
    // ...but its own variable is used.
    const keyed = lm("openai-compatible/qwen", {
      env: { OPENAI_COMPATIBLE_API_KEY: "local-key" },
      baseURL: server.openaiBaseURL,
      cache: false,
    });
    await keyed.generate({ messages: user("ping") });
    expect(server.requests[1]?.headers.authorization).toBe("Bearer local-key");
  });

  it("an authentication failure is not retried and points at the key variable", async () => {
    server.reset();
    server.injectFault({ kind: "server_error", status: 401, message: "invalid x-api-key" }, Infinity);
    const model = lm("anthropic/claude-test", { env: { ANTHROPIC_API_KEY: SECRET }, baseURL: server.anthropicBaseURL, cache: false });
    const err = (await model.generate({ messages: user("ping") }).catch((e: unknown) => e)) as LMRequestError;
    server.clearFaults();
    expect(err).toBeInstanceOf(LMRequestError);
    expect(err.kind).toBe("auth");
    expect(err.attempts).toHaveLength(1);
    expect(server.modelRequests).toHaveLength(1);
    expect(err.message).toContain("not retried");
    expect(err.message).toContain("check ANTHROPIC_API_KEY");
  });

  it("a server that is not there is a connection error naming the URL", async () => {
    const closed = await FakeProviderServer.start();
    const url = closed.openaiBaseURL;
    await closed.close();
    const model = lm("openai-compatible/qwen", { baseURL: url, env: {}, cache: false, retry: { maxAttempts: 2, sleep: async () => {} } });
    const err = (await model.generate({ messages: user("ping") }).catch((e: unknown) => e)) as LMRequestError;
    expect(err).toBeInstanceOf(LMRequestError);
    expect(err.attempts.map((a) => a.kind)).toEqual(["connection", "connection"]);
    expect(err.message).toContain(`Could not talk to ${url}`);
  });
});

describe("OTPFORGE_LM", () => {
  const saved = { lm: process.env.OTPFORGE_LM, key: process.env.OPENAI_API_KEY };
  afterEach(() => {
    for (const [k, v] of [
      ["OTPFORGE_LM", saved.lm],
      ["OPENAI_API_KEY", saved.key],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("lmFromEnv reads the variable, and returns undefined when it is unset", () => {
    expect(lmFromEnv({ env: {} })).toBeUndefined();
    expect(lmFromEnv({ env: { OTPFORGE_LM: "anthropic/claude-test", ANTHROPIC_API_KEY: "k" } })?.id).toBe("anthropic/claude-test");
    expect(() => lmFromEnv({ env: { OTPFORGE_LM: "nope/model" } })).toThrow(UnknownProviderError);
  });

  it("currentLM() falls back to one shared client for OTPFORGE_LM", () => {
    process.env.OTPFORGE_LM = "openai/gpt-4o-mini";
    process.env.OPENAI_API_KEY = "sk-env";
    const a = currentLM();
    expect(a.id).toBe("openai/gpt-4o-mini");
    expect(currentLM()).toBe(a);
    expect(envLM()).toBe(a);
    process.env.OTPFORGE_LM = "openai/gpt-4.1-mini";
    expect(currentLM().id).toBe("openai/gpt-4.1-mini");
  });
});
