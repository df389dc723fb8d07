// The language-model interface every part of otpforge talks to. Providers
// (OpenAI, Anthropic, Ax, the scripted test LM) implement `LM`; adapters and
// predictors only ever see these types.

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

/** Asks the provider for structured output when it supports it. */
export type ResponseFormat =
  | { type: "text" }
  | {
      type: "json_schema";
      name: string;
      schema: Record<string, unknown>;
      /** OpenAI strict mode (every property required, no extras); default false. */
      strict?: boolean;
    };

export interface LMRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Number of completions wanted (providers without `n` make n calls). */
  n?: number;
  /**
   * Distinguishes otherwise identical requests: part of the cache key, so a
   * new rolloutId deliberately bypasses a cached answer (used by optimizers).
   */
  rolloutId?: string | number;
  responseFormat?: ResponseFormat;
  /** OpenAI reasoning models: reasoning_effort; Anthropic: output_config.effort. */
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
  /** Anthropic extended thinking: thinking.budget_tokens. */
  thinkingBudgetTokens?: number;
  /** Other provider parameters (top_p, stop, seed, ...), put into the request body as given. */
  providerOptions?: Record<string, unknown>;
  /** Per-call cache switch; default: the LM's own setting. */
  cache?: boolean;
  signal?: AbortSignal;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its own prompt cache. */
  cachedTokens: number;
}

export interface Completion {
  text: string;
  /** "stop", "length", "tool_use", ... as the provider reports it. */
  finishReason?: string;
}

export interface LMResponse {
  completions: Completion[];
  /** Zero when the answer came from otpforge's cache. */
  usage: Usage;
  /** provider/model that answered. */
  model: string;
  cacheHit: boolean;
  /** Estimated cost in US dollars, when a price is known. */
  costUSD?: number;
}

export interface LM {
  /** "provider/model", e.g. "openai/gpt-5-mini". Never contains secrets. */
  readonly id: string;
  generate(request: LMRequest): Promise<LMResponse>;
}

export const ZERO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
  };
}
