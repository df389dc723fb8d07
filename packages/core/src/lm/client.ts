// The LM every provider shares: cache lookup, retries with backoff, the
// per-request timeout, the in-flight limit, usage and cost, and history.
// A provider only supplies a Transport (one round trip through its SDK).
import { inspect } from "node:util";
import { lmCacheKey, LMCache, publicURL } from "./cache.js";
import { LMConfigError } from "./errors.js";
import { History, processHistory, formatHistory, type HistoryEntry } from "./history.js";
import { estimateCostUSD, priceFor, unpricedNotice, type ModelPrice } from "./pricing.js";
import type { Transport, TransportResult } from "./providers/transport.js";
import {
  defaultSleep,
  RETRY_DEFAULTS,
  runWithRetries,
  type ClassifiedFailure,
  type ResolvedRetryOptions,
  type RetryOptions,
} from "./retry.js";
import { Semaphore } from "./semaphore.js";
import { addUsage, ZERO_USAGE, type Completion, type LM, type LMRequest, type LMResponse, type Usage } from "./types.js";
import { recordUsage, UsageTracker, type UsageTotals } from "./usage.js";
import { rng } from "../rng.js";

/** Options of lm(); every one has a default. */
export interface LMOptions {
  /** Overrides the provider's key variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...). */
  apiKey?: string;
  /** Overrides the provider's base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, ...). */
  baseURL?: string;
  /** Defaults for requests that set none. */
  temperature?: number;
  maxTokens?: number;
  /** Per-attempt timeout (default 180 000 ms). */
  timeoutMs?: number;
  /** Requests of this LM in flight at once (default 8). */
  maxInFlight?: number;
  retry?: RetryOptions;
  /** Cache responses on disk (default true). A request can opt out with { cache: false }. */
  cache?: boolean;
  /** Where the cache lives (default OTPFORGE_CACHE_DIR, else .otpforge/cache under the working directory). */
  cacheDir?: string;
  /** Calls kept in this LM's history (default 100). */
  historySize?: number;
  /** Price of this model, when the built-in table does not know it (see registerPrice). */
  price?: ModelPrice;
  /** Extra HTTP headers for every request. Never part of the cache key. */
  headers?: Record<string, string>;
  /**
   * Ask the provider for structured output when a request carries a JSON
   * schema (default true; turn off for servers that reject response_format).
   */
  structuredOutput?: boolean;
  /** Where keys and URLs are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /** One-time notices (a model with no price, a deprecated model); default: stderr. */
  onNotice?: (message: string) => void;
  /** Defaults for requests that set none (see LMRequest). */
  reasoningEffort?: LMRequest["reasoningEffort"];
  thinkingBudgetTokens?: number;
  /** Merged under each request's own providerOptions. */
  providerOptions?: Record<string, unknown>;
  /**
   * Read answers as a stream, so a long answer that keeps coming is not a
   * timeout (timeoutMs then counts from the last chunk). Default: for requests
   * with maxTokens >= 8192.
   */
  stream?: boolean;
}

export const STREAM_FROM_MAX_TOKENS = 8192;

export const LM_DEFAULTS = { timeoutMs: 180_000, maxInFlight: 8, historySize: 100 } as const;

export interface LMClientConfig {
  provider: string;
  model: string;
  /** Base URL actually used (part of the cache key; printed in errors). */
  baseURL?: string;
  transport: Transport;
  options: LMOptions;
  /** Strings that must never appear in errors (the API key). */
  secrets: string[];
  /** The variable the key came from, for error hints. */
  keyVariable?: string;
  cacheDir: string;
}

export class LMClient implements LM {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly baseURL?: string;
  /** The cache this LM reads and writes, or undefined when caching is off. */
  readonly cache?: LMCache;
  readonly #transport: Transport;
  readonly #semaphore: Semaphore;
  readonly #retry: ResolvedRetryOptions;
  readonly #timeoutMs: number;
  readonly #options: LMOptions;
  readonly #secrets: string[];
  readonly #keyVariable?: string;
  readonly #tracker = new UsageTracker();
  readonly #calls: History;

  constructor(cfg: LMClientConfig) {
    this.provider = cfg.provider;
    this.model = cfg.model;
    this.id = `${cfg.provider}/${cfg.model}`;
    this.baseURL = cfg.baseURL;
    this.#transport = cfg.transport;
    this.#options = cfg.options;
    this.#secrets = cfg.secrets.filter((s) => s.length >= 4);
    this.#keyVariable = cfg.keyVariable;
    this.#timeoutMs = positive("timeoutMs", cfg.options.timeoutMs ?? LM_DEFAULTS.timeoutMs);
    this.#semaphore = new Semaphore(cfg.options.maxInFlight ?? LM_DEFAULTS.maxInFlight);
    this.#calls = new History(cfg.options.historySize ?? LM_DEFAULTS.historySize);
    const r = cfg.options.retry ?? {};
    // Jitter only spreads retries out; seeding it per process keeps library code free of Math.random.
    const jitterRng = rng(`${this.id}:${process.pid}`);
    this.#retry = {
      maxAttempts: Math.max(1, Math.floor(r.maxAttempts ?? RETRY_DEFAULTS.maxAttempts)),
      baseDelayMs: r.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
      maxDelayMs: r.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      maxRetryAfterMs: r.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs,
      jitter: r.jitter ?? (() => jitterRng.next()),
      sleep: r.sleep ?? defaultSleep,
    };
    this.cache = cfg.options.cache === false ? undefined : LMCache.forDir(cfg.cacheDir);
  }

  async generate(request: LMRequest): Promise<LMResponse> {
    if (!request || !Array.isArray(request.messages) || request.messages.length === 0) {
      throw new LMConfigError(`${this.id}: generate() needs at least one message in request.messages.`, "LM_BAD_REQUEST");
    }
    const req: LMRequest = {
      ...request,
      temperature: request.temperature ?? this.#options.temperature,
      maxTokens: request.maxTokens ?? this.#options.maxTokens,
    };
    const effort = request.reasoningEffort ?? this.#options.reasoningEffort;
    if (effort !== undefined) req.reasoningEffort = effort;
    const thinking = request.thinkingBudgetTokens ?? this.#options.thinkingBudgetTokens;
    if (thinking !== undefined) req.thinkingBudgetTokens = thinking;
    const providerOptions = { ...this.#options.providerOptions, ...request.providerOptions };
    if (Object.keys(providerOptions).length) req.providerOptions = providerOptions;
    const started = performance.now();
    const cache = request.cache === false ? undefined : this.cache;
    const key = cache ? lmCacheKey({ provider: this.provider, model: this.model, baseURL: this.baseURL, request: req }) : undefined;
    if (cache && key) {
      const hit = cache.get(key);
      if (hit) return this.#finish(req, hit.completions, ZERO_USAGE, 0, true, started);
    }
    const n = req.n ?? 1;
    let result: TransportResult;
    if (n === 1 || this.#transport.supportsN) {
      result = await this.#attempts(req);
    } else {
      // The provider has no `n`: n requests, each with its own retries.
      const parts = await Promise.all(Array.from({ length: n }, () => this.#attempts({ ...req, n: 1 })));
      result = {
        completions: parts.flatMap((p) => p.completions),
        usage: parts.reduce<Usage>((acc, p) => addUsage(acc, p.usage), ZERO_USAGE),
      };
    }
    const cost = estimateCostUSD(this.id, result.usage, this.#options.price ?? priceFor(this.id));
    if (cost === undefined) {
      const notice = unpricedNotice(this.id);
      if (notice) (this.#options.onNotice ?? ((m: string) => process.stderr.write(`${m}\n`)))(notice);
    }
    if (cache && key) cache.set(key, this.id, { completions: result.completions, usage: result.usage, model: this.id });
    return this.#finish(req, result.completions, result.usage, cost, false, started);
  }

  /** Totals of this LM's calls since it was created. */
  get usage(): UsageTotals {
    return this.#tracker.totals();
  }

  /** The last k calls of this LM (all kept ones when k is omitted), oldest first. */
  history(k?: number): HistoryEntry[] {
    return this.#calls.last(k);
  }

  /** A readable print of this LM's last k calls. */
  inspectHistory(k = 1): string {
    return formatHistory(this.#calls.last(k));
  }

  /** Requests of this LM in flight right now. */
  get inFlight(): number {
    return this.#semaphore.inFlight;
  }

  toString(): string {
    return this.id;
  }

  /** What JSON and logs show of an LM: never its key, headers or environment (those live in # fields). */
  toJSON(): { id: string; provider: string; model: string; baseURL?: string } {
    return { id: this.id, provider: this.provider, model: this.model, baseURL: this.baseURL ? publicURL(this.baseURL) : undefined };
  }

  [inspect.custom](): string {
    return `LMClient(${this.id}${this.baseURL ? ` @ ${publicURL(this.baseURL)}` : ""})`;
  }

  #attempts(req: LMRequest): Promise<TransportResult> {
    const stream = this.#options.stream ?? (req.maxTokens ?? 0) >= STREAM_FROM_MAX_TOKENS;
    return runWithRetries((signal, progress) => this.#transport.complete(req, signal, stream ? { progress } : undefined), {
      lm: this.id,
      semaphore: this.#semaphore,
      timeoutMs: this.#timeoutMs,
      retry: this.#retry,
      classify: (err) => this.#transport.classify(err),
      redact: (text) => this.#redact(text),
      hint: (last) => this.#hint(last),
      signal: req.signal,
    });
  }

  #finish(
    req: LMRequest,
    completions: Completion[],
    usage: Usage,
    costUSD: number | undefined,
    cacheHit: boolean,
    started: number,
  ): LMResponse {
    const latencyMs = performance.now() - started;
    const entry: HistoryEntry = {
      timestamp: new Date().toISOString(),
      lm: this.id,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      params: {
        temperature: req.temperature,
        maxTokens: req.maxTokens,
        n: req.n,
        rolloutId: req.rolloutId,
        responseFormat: req.responseFormat,
      },
      completions,
      usage,
      costUSD,
      latencyMs,
      cacheHit,
    };
    this.#calls.push(entry);
    processHistory.push(entry);
    this.#tracker.record(this.id, usage, costUSD, cacheHit);
    recordUsage(this.id, usage, costUSD, cacheHit);
    const out: LMResponse = { completions: completions.map((c) => ({ ...c })), usage: { ...usage }, model: this.id, cacheHit };
    if (costUSD !== undefined) out.costUSD = costUSD;
    return out;
  }

  #redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join("[redacted]");
    return out;
  }

  #hint(last: ClassifiedFailure): string {
    const where = this.baseURL ? publicURL(this.baseURL) : `the ${this.provider} API`;
    switch (last.kind) {
      case "rate_limit":
        return `The provider kept rate-limiting (HTTP 429). Lower maxInFlight (now ${this.#semaphore.limit}), raise retry.maxAttempts (now ${this.#retry.maxAttempts}), or check your quota.`;
      case "server_error":
        return `The provider's server kept failing. Try again later, or raise retry.maxAttempts (now ${this.#retry.maxAttempts}).`;
      case "timeout":
        return `No answer within timeoutMs=${this.#timeoutMs}. Raise timeoutMs for slow models or long outputs, or check that ${where} is responsive.`;
      case "connection":
        return `Could not talk to ${where}: check the base URL and that the server is running.`;
      case "bad_response":
        return `The answer from ${where} was not a valid response; check that the base URL points at an API of the right kind (OpenAI-compatible /v1 or Anthropic).`;
      case "auth":
        return `The provider rejected the credentials: check ${this.#keyVariable ?? "the API key"}.`;
      case "client_error":
        return `The provider rejected the request: check the model name ("${this.model}") and the request parameters.`;
      default:
        return `Unexpected error in the ${this.provider} client; the message above says what failed.`;
    }
  }
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new LMConfigError(`${name} must be a positive number, got ${v}`);
  return v;
}
