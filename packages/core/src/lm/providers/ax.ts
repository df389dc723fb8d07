// Every other provider through @ax-llm/ax's `ai()` layer (non-streaming
// chat only; none of Ax's programs, retries or tracing). Ax's own retries
// are off; a wrapped fetch records the HTTP status and retry-after of each
// attempt so the shared retry logic can read them whatever Ax throws.
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import type { AxAIService, AxChatRequest, AxChatResponse, ai as axAI } from "@ax-llm/ax";
import { OtpforgeError } from "../../errors.js";
import { classifySDKError, classifyStatus, errorText, parseRetryAfter, type ClassifiedFailure } from "../retry.js";
import type { LMRequest } from "../types.js";
import { BadResponseError, isBadResponse, providerSchema, safeName, type Transport, type TransportResult } from "./transport.js";

const requireCJS = createRequire(import.meta.url);

interface AxModule {
  ai: typeof axAI;
  axAIProviderAliases: Record<string, string>;
  axAIProviderProfiles: Record<string, { auth?: { required?: boolean }; requiresApiURL?: boolean; baseURL?: string }>;
}

let axModule: AxModule | undefined;
/**
 * Loaded on first use: Ax is large and most programs never need it, so it is an
 * optional peer dependency that only `ax/` models load. Synchronous (through
 * Ax's CommonJS build) because `lm("ax/...")` is.
 */
export function loadAx(): AxModule {
  if (axModule) return axModule;
  try {
    axModule = requireCJS("@ax-llm/ax") as AxModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new OtpforgeError(
      "MISSING_DEPENDENCY",
      "`ax/` models run through @ax-llm/ax, an optional peer dependency of @otpforge/core that is not installed: " +
        "install it in your project (npm install @ax-llm/ax@24.0.21), or use an openai/ or anthropic/ model.",
      { category: "input", cause: err },
    );
  }
  return axModule;
}

/** Ax's canonical provider id for a name or alias ("claude" -> "anthropic"), or undefined. */
export function axProviderId(name: string): string | undefined {
  return loadAx().axAIProviderAliases[name.toLowerCase()];
}

export function axProviderIds(): string[] {
  return Object.keys(loadAx().axAIProviderProfiles).sort();
}

/** Whether Ax's profile for the provider needs an API key. */
export function axNeedsKey(id: string): boolean {
  return loadAx().axAIProviderProfiles[id]?.auth?.required !== false;
}

export function axDefaultBaseURL(id: string): string | undefined {
  return loadAx().axAIProviderProfiles[id]?.baseURL;
}

export function axNeedsURL(id: string): boolean {
  return loadAx().axAIProviderProfiles[id]?.requiresApiURL === true;
}

// Providers whose customary key variable is not <PROVIDER>_API_KEY.
const KEY_VARIABLES: Record<string, string[]> = {
  "openai-responses": ["OPENAI_API_KEY"],
  "google-gemini": ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
  "vertex-ai": ["GOOGLE_API_KEY"],
  "azure-openai": ["AZURE_OPENAI_API_KEY"],
  "azure-foundry": ["AZURE_API_KEY"],
  grok: ["XAI_API_KEY"],
  "huggingface-router": ["HF_TOKEN"],
  "cloudflare-workers-ai": ["CLOUDFLARE_API_TOKEN"],
  "deepseek-responses": ["DEEPSEEK_API_KEY"],
  "meta-chat": ["META_API_KEY"],
  "meta-messages": ["META_API_KEY"],
  // Never OPENAI_API_KEY: that key must not be sent to some other server by accident.
  "openai-compatible": ["OPENAI_COMPATIBLE_API_KEY"],
};

/** The environment variables that may hold the key of an Ax provider, most customary first. */
export function axKeyVariables(id: string): string[] {
  return KEY_VARIABLES[id] ?? [`${id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_KEY`];
}

export interface AxTransportConfig {
  provider: string;
  model: string;
  apiKey?: string;
  baseURL?: string;
  sdkTimeoutMs: number;
  headers?: Record<string, string>;
  /** Ask for JSON-schema output when Ax says the model supports it (default true). */
  structuredOutput: boolean;
}

/** Carries the HTTP status/headers the wrapped fetch saw, next to whatever Ax threw. */
class AxCallError extends Error {
  constructor(
    readonly original: unknown,
    readonly http: { status: number; headers: Headers } | undefined,
    readonly fetchFailed: boolean,
  ) {
    super(errorText(original));
    this.name = "AxCallError";
  }
}

interface HTTPSlot {
  http?: { status: number; headers: Headers };
  fetchFailed: boolean;
}

export function axTransport(cfg: AxTransportConfig): Transport {
  const { ai } = loadAx();
  // Ax uses the fetch given at construction for every call; AsyncLocalStorage
  // ties each HTTP exchange back to the attempt that made it.
  const slots = new AsyncLocalStorage<HTTPSlot>();
  // Some Ax providers (anthropic) ignore apiURL; rewriting their default host
  // here makes a configured base URL hold for every provider, so nothing is
  // ever sent to the public endpoint when the user named another server.
  const from = cfg.baseURL ? axDefaultBaseURL(cfg.provider)?.replace(/\/+$/, "") : undefined;
  const to = cfg.baseURL?.replace(/\/+$/, "");
  const target = (input: Parameters<typeof fetch>[0]): Parameters<typeof fetch>[0] => {
    if (!from || !to || (typeof input !== "string" && !(input instanceof URL))) return input;
    const url = String(input);
    return url.startsWith(from) && !url.startsWith(to) ? to + url.slice(from.length) : input;
  };
  const recordingFetch: typeof fetch = async (input, init) => {
    const slot = slots.getStore();
    try {
      const res = await fetch(target(input), withHeaders(init, cfg.headers));
      if (slot) slot.http = { status: res.status, headers: res.headers };
      return res;
    } catch (err) {
      if (slot) slot.fetchFailed = true;
      throw err;
    }
  };
  const service = ai({
    name: cfg.provider,
    apiKey: cfg.apiKey ?? "",
    ...(cfg.baseURL ? { apiURL: cfg.baseURL } : {}),
    config: { model: cfg.model, stream: false },
    options: { retry: { maxRetries: 0 }, timeout: cfg.sdkTimeoutMs, fetch: recordingFetch },
  } as unknown as Parameters<typeof ai>[0]) as unknown as AxAIService;
  const structured = cfg.structuredOutput && service.getFeatures(cfg.model).structuredOutputs === true;

  return {
    supportsN: false,
    async complete(req: LMRequest, signal: AbortSignal, stream?: { progress: () => void }): Promise<TransportResult> {
      const slot: HTTPSlot = { fetchFailed: false };
      let res: AxChatResponse | ReadableStream<AxChatResponse>;
      try {
        res = await slots.run(slot, () =>
          service.chat(axRequest(cfg.model, req, structured, Boolean(stream)), {
            stream: Boolean(stream),
            abortSignal: signal,
            retry: { maxRetries: 0 },
            // Ax's own name for the reasoning controls (its providers map it to theirs).
            ...(req.reasoningEffort !== undefined ? { thinkingTokenBudget: req.reasoningEffort } : {}),
          } as never),
        );
        // A stream of partial responses: their contents put back together.
        if (res instanceof ReadableStream) res = await collect(res, stream?.progress ?? (() => {}));
      } catch (err) {
        throw new AxCallError(err, slot.http, slot.fetchFailed);
      }
      if (!res || res instanceof ReadableStream || !Array.isArray(res.results) || res.results.length === 0) {
        throw new BadResponseError("Ax returned no results");
      }
      const tokens = res.modelUsage?.tokens;
      return {
        completions: res.results.map((r) => ({ text: r.content ?? "", finishReason: r.finishReason })),
        usage: {
          // Ax's promptTokens leaves out prompt-cache reads and writes; otpforge's counts every prompt token.
          promptTokens: (tokens?.promptTokens ?? 0) + (tokens?.cacheReadTokens ?? 0) + (tokens?.cacheCreationTokens ?? 0),
          completionTokens: tokens?.completionTokens ?? 0,
          cachedTokens: tokens?.cacheReadTokens ?? 0,
        },
      };
    },
    classify(err: unknown): ClassifiedFailure {
      if (isBadResponse(err)) return { kind: "bad_response", retryable: true, message: err.message };
      if (!(err instanceof AxCallError)) return classifySDKError(err);
      const message = errorText(err.original);
      if (err.http && err.http.status >= 400) return classifyStatus(err.http.status, message, parseRetryAfter(err.http.headers));
      if (err.fetchFailed) return { kind: "connection", retryable: true, message };
      // A 2xx that Ax could not read (malformed JSON and the like).
      if (err.http) return { kind: "bad_response", retryable: true, status: err.http.status, message };
      return classifySDKError(err.original);
    },
  };
}

function withHeaders(init: RequestInit | undefined, extra: Record<string, string> | undefined): RequestInit | undefined {
  if (!extra || Object.keys(extra).length === 0) return init;
  const headers = new Headers(init?.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return { ...init, headers };
}

async function collect(stream: ReadableStream<AxChatResponse>, progress: () => void): Promise<AxChatResponse> {
  const reader = stream.getReader();
  const results: Array<{ index: number; content: string; finishReason?: AxChatResponse["results"][number]["finishReason"] }> = [];
  let modelUsage: AxChatResponse["modelUsage"];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    progress();
    if (value.modelUsage) modelUsage = value.modelUsage;
    for (const r of value.results ?? []) {
      const i = r.index ?? 0;
      const acc = (results[i] ??= { index: i, content: "" });
      if (r.content) acc.content += r.content;
      if (r.finishReason) acc.finishReason = r.finishReason;
    }
  }
  return { results, ...(modelUsage ? { modelUsage } : {}) } as AxChatResponse;
}

function axRequest(model: string, req: LMRequest, structured: boolean, stream = false): AxChatRequest<string> {
  const modelConfig: Record<string, unknown> = { stream };
  if (req.temperature !== undefined) modelConfig.temperature = req.temperature;
  if (req.maxTokens !== undefined) modelConfig.maxTokens = req.maxTokens;
  // Through Ax, provider parameters use Ax's modelConfig names (topP, stopSequences, seed...).
  if (req.providerOptions) Object.assign(modelConfig, req.providerOptions);
  const out: AxChatRequest<string> = {
    model,
    chatPrompt: req.messages.map((m) => ({ role: m.role, content: m.content })) as AxChatRequest["chatPrompt"],
    modelConfig: modelConfig as AxChatRequest["modelConfig"],
  };
  const rf = req.responseFormat;
  if (rf?.type === "json_schema" && structured) {
    out.responseFormat = {
      type: "json_schema",
      schema: { name: safeName(rf.name), strict: rf.strict ?? false, schema: providerSchema(rf) },
    };
  }
  return out;
}
