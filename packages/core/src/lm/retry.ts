// Retries with exponential backoff and jitter, a per-attempt timeout and the
// LM's in-flight limit. The SDKs' own retries are switched off, so the
// decisions (and the record of every attempt) live here only.
import { LMRequestError } from "./errors.js";
import type { Semaphore } from "./semaphore.js";

export type FailureKind =
  | "rate_limit" // 429
  | "server_error" // 5xx, 408, 409
  | "timeout" // no answer within timeoutMs
  | "connection" // refused, reset, DNS, socket closed
  | "bad_response" // a 2xx whose body is not a valid response (malformed JSON)
  | "auth" // 401, 403
  | "client_error" // other 4xx: the request itself is wrong
  | "error"; // anything else (a bug, an unexpected exception)

export interface ClassifiedFailure {
  kind: FailureKind;
  retryable: boolean;
  status?: number;
  /** The server's retry-after / retry-after-ms, in ms. */
  retryAfterMs?: number;
  message: string;
}

/** What happened on one attempt of a request that finally failed. */
export interface AttemptRecord extends ClassifiedFailure {
  attempt: number;
  latencyMs: number;
  /** How long the client waited before the next attempt (absent on the last one). */
  waitMs?: number;
}

export interface RetryOptions {
  /** Total tries including the first (default 5). 1 disables retries. */
  maxAttempts?: number;
  /** Backoff before the first retry, doubled each time (default 500 ms). */
  baseDelayMs?: number;
  /** Upper bound of the backoff (default 30 s). */
  maxDelayMs?: number;
  /** Upper bound on a server's retry-after (default 120 s). */
  maxRetryAfterMs?: number;
  /** A number in [0, 1) per call; default a seeded Rng. Inject for deterministic tests. */
  jitter?: () => number;
  /** How to wait; inject to record delays in tests instead of sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 } as const;

/**
 * "Equal jitter": half the exponential delay is fixed, half random, so
 * clients that failed together spread out but still back off.
 */
export function backoffDelay(retryIndex: number, opts: Pick<ResolvedRetryOptions, "baseDelayMs" | "maxDelayMs">, random: number): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** retryIndex);
  return Math.round(exp / 2 + (exp / 2) * random);
}

type HeaderBag = { get(name: string): string | null } | Record<string, unknown>;

/** retry-after-ms (OpenAI), else retry-after in seconds or as an HTTP date. */
export function parseRetryAfter(headers: HeaderBag | undefined | null, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === "function")
      return (headers as { get(n: string): string | null }).get(name) ?? undefined;
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === "string" ? v : Array.isArray(v) ? String(v[0]) : undefined;
  };
  const ms = Number(get("retry-after-ms"));
  if (get("retry-after-ms") !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const ra = get("retry-after");
  if (ra === undefined) return undefined;
  const trimmed = ra.trim();
  if (/^[-+.\d]/.test(trimmed)) {
    const secs = Number(trimmed);
    return Number.isFinite(secs) && secs >= 0 ? Math.round(secs * 1000) : undefined;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(headers: HeaderBag | undefined | null, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function")
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === "string" ? v : undefined;
}

/** Classifies an HTTP status the way every provider path does. */
export function classifyStatus(status: number, message: string, retryAfterMs?: number): ClassifiedFailure {
  if (status === 429) return { kind: "rate_limit", retryable: true, status, retryAfterMs, message };
  if (status >= 500 || status === 408 || status === 409) return { kind: "server_error", retryable: true, status, retryAfterMs, message };
  if (status === 401 || status === 403) return { kind: "auth", retryable: false, status, message };
  return { kind: "client_error", retryable: false, status, message };
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Classifies errors thrown by the official SDKs (status + headers on API
 * errors, named connection errors) and by fetch itself.
 */
export function classifySDKError(err: unknown): ClassifiedFailure {
  const e = (err ?? {}) as { status?: unknown; headers?: HeaderBag; name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  if (typeof e.status === "number") {
    const c = classifyStatus(e.status, apiErrorText(err, e.status), parseRetryAfter(e.headers));
    // The provider's own word on whether to try again (OpenAI and Anthropic send it) wins.
    const should = headerValue(e.headers, "x-should-retry");
    if (should === "false") return { ...c, retryable: false };
    if (should === "true" && c.kind !== "auth") return { ...c, retryable: true };
    return c;
  }
  const message = errorText(err);
  const name = `${String(e.name ?? "")} ${(err as object | undefined)?.constructor?.name ?? ""}`;
  if (/Timeout/i.test(name)) return { kind: "timeout", retryable: true, message };
  if (/Connection|Network|Socket/i.test(name) || hasConnectionCode(err)) return { kind: "connection", retryable: true, message };
  if (err instanceof SyntaxError) return { kind: "bad_response", retryable: true, message: `invalid JSON in the response (${message})` };
  return { kind: "error", retryable: false, message };
}

/** "429 Rate limit reached" from an SDK API error, preferring the provider's own message over a JSON dump. */
function apiErrorText(err: unknown, status: number): string {
  const body = (err as { error?: { message?: unknown; error?: { message?: unknown } } }).error;
  const msg = body?.error?.message ?? body?.message;
  return typeof msg === "string" && msg ? errorText(`${status} ${msg}`) : errorText(err);
}

function hasConnectionCode(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  return hasConnectionCode((err as { cause?: unknown }).cause, depth + 1);
}

/** The message of an error and its causes, on one line, shortened. */
export function errorText(err: unknown, max = 300): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; cur && i < 3; i++) {
    const m = cur instanceof Error ? cur.message : typeof cur === "string" ? cur : "";
    if (m && !parts.some((p) => p.includes(m))) parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  const text = (parts.join(": ") || String(err)).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryContext {
  lm: string;
  semaphore: Semaphore;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  classify: (err: unknown) => ClassifiedFailure;
  /** Removes secrets from any text that may end up in an error. */
  redact: (text: string) => string;
  /** What the user can do, given the last failure. */
  hint: (last: ClassifiedFailure) => string;
  /** The caller's own cancellation; never retried. */
  signal?: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, fails in a non-retryable way, or runs
 * out of attempts. Each attempt holds one in-flight slot (not while waiting
 * between attempts) and is aborted after timeoutMs.
 */
export async function runWithRetries<T>(attempt: (signal: AbortSignal, progress: () => void) => Promise<T>, ctx: RetryContext): Promise<T> {
  const records: AttemptRecord[] = [];
  for (let n = 1; ; n++) {
    await ctx.semaphore.acquire(ctx.signal);
    const ctrl = new AbortController();
    let timedOut = false;
    const expire = () => {
      timedOut = true;
      ctrl.abort(new Error(`no response within ${ctx.timeoutMs} ms`));
    };
    let timer = setTimeout(expire, ctx.timeoutMs);
    // A streamed answer that keeps coming is slow, not stuck: each chunk restarts the clock.
    const progress = () => {
      if (timedOut) return;
      clearTimeout(timer);
      timer = setTimeout(expire, ctx.timeoutMs);
    };
    const onAbort = (): void => ctrl.abort(ctx.signal?.reason);
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    const started = performance.now();
    let failure: ClassifiedFailure;
    let cause: unknown;
    try {
      return await attempt(ctrl.signal, progress);
    } catch (err) {
      if (ctx.signal?.aborted) throw ctx.signal.reason ?? err;
      cause = err;
      failure = timedOut
        ? { kind: "timeout", retryable: true, message: `no response within timeoutMs=${ctx.timeoutMs}` }
        : ctx.classify(err);
    } finally {
      clearTimeout(timer);
      ctx.signal?.removeEventListener("abort", onAbort);
      ctx.semaphore.release();
    }
    const record: AttemptRecord = { ...failure, message: ctx.redact(failure.message), attempt: n, latencyMs: performance.now() - started };
    records.push(record);
    // A timeout is retried once at most: a call that already took timeoutMs
    // twice is slow, not unlucky, and every retry is billed again.
    const timeouts = records.filter((r) => r.kind === "timeout").length;
    if (!failure.retryable || n >= ctx.retry.maxAttempts || (failure.kind === "timeout" && timeouts > 1)) {
      throw new LMRequestError(ctx.lm, records, ctx.hint(failure), { cause: redactError(cause, ctx.redact) });
    }
    record.waitMs =
      failure.retryAfterMs !== undefined
        ? Math.min(failure.retryAfterMs, ctx.retry.maxRetryAfterMs)
        : backoffDelay(n - 1, ctx.retry, ctx.retry.jitter());
    await ctx.retry.sleep(record.waitMs, ctx.signal);
  }
}

/** The cause kept on LMRequestError is a plain error with a redacted message (SDK errors may carry request details). */
function redactError(err: unknown, redact: (t: string) => string): Error {
  const e = new Error(redact(errorText(err, 2000)));
  e.name = err instanceof Error ? err.name : "Error";
  return e;
}
