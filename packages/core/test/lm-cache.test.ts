// The response cache: what the key depends on (and what it must not),
// persistence on disk across clients, the LRU in front, and its location.
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lm, LMCache, type LMRequest } from "../src/index.js";
import { CACHE_FILE, cacheOpenError, defaultCacheDir, lmCacheKey } from "../src/internal.js";
import { LRU } from "../src/lm/lru.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { SECRET, TempDirs, user } from "./lm-helpers.js";

describe("lmCacheKey", () => {
  const base = {
    provider: "openai",
    model: "gpt-4o-mini",
    baseURL: "http://127.0.0.1:8080/v1",
    request: { messages: user("hi") } as LMRequest,
  };
  const key = (patch: Partial<typeof base> = {}, req: Partial<LMRequest> = {}) =>
    lmCacheKey({ ...base, ...patch, request: { ...base.request, ...req } });

  it("changes with everything that can change the answer", () => {
    const variants = [
      key(),
      key({ provider: "openai-compatible" }),
      key({ model: "gpt-4o" }),
      key({ baseURL: "http://localhost:11434/v1" }),
      key({}, { messages: user("hello") }),
      key({}, { messages: [{ role: "system", content: "hi" }] }),
      key({}, { temperature: 0.7 }),
      key({}, { maxTokens: 100 }),
      key({}, { n: 3 }),
      key({}, { rolloutId: 1 }),
      key({}, { rolloutId: "1" }),
      key({}, { responseFormat: { type: "json_schema", name: "Out", schema: { type: "object" } } }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it("ignores what cannot: the cache switch, the abort signal, n=1 spelled out, key order", () => {
    const k = key();
    expect(key({}, { cache: false })).toBe(k);
    expect(key({}, { signal: new AbortController().signal })).toBe(k);
    expect(key({}, { n: 1 })).toBe(k);
    const a = key({}, { responseFormat: { type: "json_schema", name: "O", schema: { a: 1, b: 2 } } });
    const b = key({}, { responseFormat: { type: "json_schema", name: "O", schema: { b: 2, a: 1 } } });
    expect(a).toBe(b);
  });

  it("leaves credentials in the base URL out of the key", () => {
    expect(key({ baseURL: `https://user:${SECRET}@127.0.0.1:8443/v1` })).toBe(key({ baseURL: "https://127.0.0.1:8443/v1" }));
    expect(key({ baseURL: `https://127.0.0.1:8443/v1?api-key=${SECRET}` })).toBe(key({ baseURL: "https://127.0.0.1:8443/v1" }));
    expect(key({ baseURL: "https://127.0.0.1:8443/v1?api-version=2024" })).not.toBe(key({ baseURL: "https://127.0.0.1:8443/v1" }));
  });
});

describe("LRU", () => {
  it("evicts the least recently used entry", () => {
    const c = new LRU<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1);
    c.set("c", 3);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe(1);
    expect(c.get("c")).toBe(3);
    expect(c.size).toBe(2);
  });
});

describe("defaultCacheDir", () => {
  it("uses OTPFORGE_CACHE_DIR, else .otpforge/cache under the working directory", () => {
    expect(defaultCacheDir({}, "/work/x")).toBe(resolve("/work/x/.otpforge/cache"));
    expect(defaultCacheDir({ OTPFORGE_CACHE_DIR: "/var/cache/otp" }, "/work/x")).toBe("/var/cache/otp");
    expect(defaultCacheDir({ OTPFORGE_CACHE_DIR: "rel/dir" }, "/work/x")).toBe(resolve("/work/x/rel/dir"));
  });
});

describe("cacheOpenError", () => {
  // What the `bindings` package throws when better-sqlite3's install script never ran.
  const unbuilt = new Error("Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node");

  it("tells a package manager that skipped the native build how to build it", () => {
    const e = cacheOpenError("/c/lm-cache.sqlite", unbuilt);
    expect(e.code).toBe("LM_CACHE_UNAVAILABLE");
    expect(e.message).toMatch(/npm rebuild better-sqlite3.*pnpm approve-builds/);
    expect(e.message).not.toMatch(/OTPFORGE_CACHE_DIR/);
  });

  it("sends any other failure to the cache directory", () => {
    const denied = Object.assign(new Error("unable to open database file"), { code: "SQLITE_CANTOPEN" });
    const e = cacheOpenError("/c/lm-cache.sqlite", denied);
    expect(e.message).toMatch(/^Cannot open the LM cache at \/c\/lm-cache\.sqlite: unable to open database file\. Set OTPFORGE_CACHE_DIR/);
    expect(e.message).not.toMatch(/rebuild/);
  });
});

describe("the cache behind an LM", () => {
  let server: FakeProviderServer;
  const dirs = new TempDirs();
  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: (r) => `answer ${r.seq}` });
  });
  afterAll(async () => {
    await server.close();
    dirs.cleanup();
  });
  beforeEach(() => {
    server.reset();
  });

  const make = (dir: string, options: Parameters<typeof lm>[1] = {}) =>
    lm("openai/gpt-test", { env: { OPENAI_API_KEY: SECRET, OTPFORGE_CACHE_DIR: dir }, baseURL: server.openaiBaseURL, ...options });

  it("is found through OTPFORGE_CACHE_DIR and survives a new client and a reopened database", async () => {
    const dir = dirs.make();
    const first = await make(dir).generate({ messages: user("persist") });
    expect(existsSync(join(dir, CACHE_FILE))).toBe(true);
    // Drop the in-memory layer and the connection: the answer must come from disk.
    LMCache.forDir(dir).close();
    const again = await make(dir).generate({ messages: user("persist") });
    expect(again.cacheHit).toBe(true);
    expect(again.completions).toEqual(first.completions);
    expect(server.modelRequests).toHaveLength(1);
    expect(LMCache.forDir(dir).size()).toBe(1);
  });

  it("keeps different base URLs and models apart", async () => {
    const dir = dirs.make();
    await make(dir).generate({ messages: user("same") });
    await lm("openai/gpt-other", { env: { OPENAI_API_KEY: SECRET }, cacheDir: dir, baseURL: server.openaiBaseURL }).generate({
      messages: user("same"),
    });
    await lm("openai-compatible/gpt-test", { env: {}, cacheDir: dir, baseURL: server.openaiBaseURL }).generate({ messages: user("same") });
    expect(server.modelRequests).toHaveLength(3);
  });

  it("can be turned off per LM: nothing is read or written", async () => {
    const dir = dirs.make();
    const model = make(dir, { cache: false });
    expect(model.cache).toBeUndefined();
    await model.generate({ messages: user("off") });
    await model.generate({ messages: user("off") });
    expect(server.modelRequests).toHaveLength(2);
    expect(existsSync(join(dir, CACHE_FILE))).toBe(false);
  });

  it("does not store failed requests", async () => {
    const dir = dirs.make();
    const model = make(dir, { retry: { maxAttempts: 1 } });
    server.injectFault({ kind: "server_error" });
    await expect(model.generate({ messages: user("fails once") })).rejects.toThrow(/HTTP 500/);
    const ok = await model.generate({ messages: user("fails once") });
    expect(ok.cacheHit).toBe(false);
    expect(server.modelRequests).toHaveLength(2);
  });

  it("caches all n completions together", async () => {
    const dir = dirs.make();
    const model = make(dir);
    const a = await model.generate({ messages: user("many"), n: 3, temperature: 1 });
    const b = await model.generate({ messages: user("many"), n: 3, temperature: 1 });
    expect(a.completions).toHaveLength(3);
    expect(b.cacheHit).toBe(true);
    expect(b.completions).toEqual(a.completions);
    expect(server.modelRequests).toHaveLength(1);
    expect((server.requests[0]!.body as { n?: number }).n).toBe(3);
  });

  it("an unwritable location is a typed error that says how to fix it", async () => {
    // A directory under a regular file cannot be created (ENOTDIR).
    const file = join(dirs.make(), "not-a-directory");
    writeFileSync(file, "");
    const model = make(join(file, "cache"));
    await expect(model.generate({ messages: user("x") })).rejects.toThrow(/Cannot open the LM cache .* OTPFORGE_CACHE_DIR .* cache: false/);
  });
});
