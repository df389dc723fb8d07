// The retry policy on its own: backoff with jitter, retry-after parsing,
// the in-flight semaphore, timeouts, caps and cancellation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lm, LMRequestError } from "../src/index.js";
import { backoffDelay, parseRetryAfter } from "../src/internal.js";
import { Semaphore } from "../src/lm/semaphore.js";
import { FakeProviderServer } from "../src/testing/index.js";
import { recordingRetry, SECRET, user } from "./lm-helpers.js";

describe("backoffDelay", () => {
  const opts = { baseDelayMs: 1000, maxDelayMs: 30_000 };

  it("doubles each retry, half fixed and half jitter", () => {
    expect([0, 1, 2, 3].map((i) => backoffDelay(i, opts, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((i) => backoffDelay(i, opts, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(1, opts, 0.5)).toBe(1500);
  });

  it("never exceeds maxDelayMs", () => {
    expect(backoffDelay(20, opts, 0.999999)).toBe(30_000);
    expect(backoffDelay(20, opts, 0)).toBe(15_000);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "0.25" }))).toBe(250);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "1234", "retry-after": "9" }))).toBe(1234);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }, now)).toBe(30_000);
    expect(parseRetryAfter({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }, now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "-5" })).toBeUndefined();
  });
});

describe("Semaphore", () => {
  it("admits up to the limit and serves waiters in arrival order", async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    await s.acquire();
    await s.acquire();
    const waiters = [1, 2, 3].map((i) => s.acquire().then(() => order.push(i)));
    expect(s.inFlight).toBe(2);
    expect(s.waiting).toBe(3);
    s.release();
    await waiters[0];
    s.release();
    s.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(s.inFlight).toBe(2);
  });

  it("drops a waiter whose signal aborts", async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const ctrl = new AbortController();
    const waiting = s.acquire(ctrl.signal);
    ctrl.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
    expect(s.waiting).toBe(0);
    s.release();
    expect(s.inFlight).toBe(0);
  });

  it("rejects a limit below 1 and an unmatched release", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(1).release()).toThrow(/without a matching acquire/);
  });
});

describe("retries against the fake server", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: () => "ok" });
  });
  afterAll(async () => {
    await server.close();
  });

  const openai = (options: Parameters<typeof lm>[1] = {}) =>
    lm("openai/gpt-test", { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cache: false, ...options });

  it("a timeout on the last attempt is reported as a timeout with the limit", async () => {
    server.reset().injectFault({ kind: "slow", delayMs: 60_000 });
    const err = (await openai({ timeoutMs: 300, retry: { maxAttempts: 1 } })
      .generate({ messages: user("slow") })
      .catch((e: unknown) => e)) as LMRequestError;
    expect(err).toBeInstanceOf(LMRequestError);
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("no response within timeoutMs=300");
    expect(err.message).toContain("Raise timeoutMs");
  });

  it("retries a timeout once at most, however many attempts are allowed (each try is billed)", async () => {
    const { waits, retry } = recordingRetry();
    server.reset().injectFault({ kind: "slow", delayMs: 60_000 }, 5);
    const err = (await openai({ timeoutMs: 200, retry: { ...retry, maxAttempts: 5 } })
      .generate({ messages: user("slow twice") })
      .catch((e: unknown) => e)) as LMRequestError;
    expect(err).toBeInstanceOf(LMRequestError);
    expect(err.kind).toBe("timeout");
    expect(err.attempts.map((a) => a.kind)).toEqual(["timeout", "timeout"]);
    expect(waits).toHaveLength(1);
  });

  it("follows the provider's x-should-retry: false stops retries of a 503, true retries a 400", async () => {
    const { retry } = recordingRetry();
    server.reset().injectFault({ kind: "server_error", status: 503, headers: { "x-should-retry": "false" } }, 3);
    const err = (await openai({ retry })
      .generate({ messages: user("no retry") })
      .catch((e: unknown) => e)) as LMRequestError;
    expect(err.attempts).toHaveLength(1);
    server.reset().injectFault({ kind: "server_error", status: 400, message: "try again", headers: { "x-should-retry": "true" } });
    const ok = await openai({ retry }).generate({ messages: user("retry") });
    expect(ok.completions[0]!.text).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("caps a huge retry-after at maxRetryAfterMs, and uses retry-after-ms when given", async () => {
    const { waits, retry } = recordingRetry({ maxRetryAfterMs: 10_000 });
    server.reset().injectFault({ kind: "rate_limit", retryAfterSeconds: 3600 }).injectFault({ kind: "rate_limit", retryAfterMs: 40 });
    await openai({ retry }).generate({ messages: user("x") });
    expect(waits).toEqual([10_000, 40]);
  });

  it("backs off exponentially without retry-after", async () => {
    const { waits, retry } = recordingRetry({ baseDelayMs: 200 });
    server.reset().injectFault({ kind: "server_error", status: 503 }, 3);
    await openai({ retry }).generate({ messages: user("x") });
    expect(waits).toEqual([150, 300, 600]);
    expect(server.modelRequests).toHaveLength(4);
  });

  it("does not retry a bad request", async () => {
    server.reset().injectFault({ kind: "server_error", status: 400, message: "model not found" });
    const err = (await openai()
      .generate({ messages: user("x") })
      .catch((e: unknown) => e)) as LMRequestError;
    expect(err.kind).toBe("client_error");
    expect(err.status).toBe(400);
    expect(err.message).toContain("model not found");
    expect(err.message).toContain('check the model name ("gpt-test")');
    expect(server.modelRequests).toHaveLength(1);
  });

  it("a caller's abort stops at once: no retry, no LMRequestError", async () => {
    const ctrl = new AbortController();
    server.reset().injectFault({ kind: "slow", delayMs: 60_000 });
    const pending = openai().generate({ messages: user("x"), signal: ctrl.signal });
    while (server.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
    ctrl.abort(new Error("user cancelled"));
    await expect(pending).rejects.toThrow("user cancelled");
    expect(server.modelRequests).toHaveLength(1);
  });
});
