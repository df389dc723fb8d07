// Estimated cost of LM calls from a price table the user can extend.
// Keyed by exact model ids: a name that is not in the table has no price (and
// is reported once as unpriced), never the price of a model whose name it
// happens to start with ("o3-mini" is not "o3", "claude-opus-4-6" is not
// "claude-opus-4"). Dated snapshots are listed as aliases, explicitly.
import type { Usage } from "./types.js";

export interface ModelPrice {
  /** USD per 1M prompt tokens not served from the provider's prompt cache. */
  inputPerMTok: number;
  /** USD per 1M completion tokens. */
  outputPerMTok: number;
  /** USD per 1M prompt tokens read from the provider's prompt cache (default: inputPerMTok). */
  cachedInputPerMTok?: number;
}

/**
 * Source: the providers' published list prices (openai.com/api/pricing,
 * anthropic.com/pricing), USD per million tokens, as checked on PRICES_CHECKED.
 * Estimates, not invoices. Models released after that date are unpriced until
 * added here or with registerPrice().
 */
export const PRICES_CHECKED = "2025-11-30";

const PRICES: ReadonlyArray<[string, ModelPrice, string[]]> = [
  // [model id, price, dated snapshot ids that are the same model]
  ["gpt-4o", { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 }, ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"]],
  ["gpt-4o-mini", { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 }, ["gpt-4o-mini-2024-07-18"]],
  ["gpt-4.1", { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, ["gpt-4.1-2025-04-14"]],
  ["gpt-4.1-mini", { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 }, ["gpt-4.1-mini-2025-04-14"]],
  ["gpt-4.1-nano", { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 }, ["gpt-4.1-nano-2025-04-14"]],
  ["gpt-5", { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 }, ["gpt-5-2025-08-07"]],
  ["gpt-5-mini", { inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025 }, ["gpt-5-mini-2025-08-07"]],
  ["gpt-5-nano", { inputPerMTok: 0.05, outputPerMTok: 0.4, cachedInputPerMTok: 0.005 }, ["gpt-5-nano-2025-08-07"]],
  ["o3", { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, ["o3-2025-04-16"]],
  ["o3-mini", { inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.55 }, ["o3-mini-2025-01-31"]],
  ["o4-mini", { inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275 }, ["o4-mini-2025-04-16"]],
  ["claude-opus-4-5", { inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5 }, ["claude-opus-4-5-20251101"]],
  ["claude-opus-4-1", { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5 }, ["claude-opus-4-1-20250805"]],
  ["claude-opus-4", { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5 }, ["claude-opus-4-20250514", "claude-opus-4-0"]],
  ["claude-sonnet-4-5", { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }, ["claude-sonnet-4-5-20250929"]],
  ["claude-sonnet-4", { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }, ["claude-sonnet-4-20250514", "claude-sonnet-4-0"]],
  [
    "claude-3-7-sonnet",
    { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
    ["claude-3-7-sonnet-20250219", "claude-3-7-sonnet-latest"],
  ],
  ["claude-haiku-4-5", { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1 }, ["claude-haiku-4-5-20251001"]],
  [
    "claude-3-5-haiku",
    { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08 },
    ["claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"],
  ],
];

const table = new Map<string, ModelPrice>();
for (const [id, price, aliases] of PRICES) for (const name of [id, ...aliases]) table.set(name, price);

/**
 * Adds or replaces a price. `model` is an exact model name ("gpt-4o-mini"; a
 * dated snapshot needs its own entry) or a full LM id
 * ("openai-compatible/qwen2.5-coder", "ax/groq/llama-3.3-70b") when the same
 * name costs differently elsewhere. Local models: register a zero price.
 */
export function registerPrice(model: string, price: ModelPrice): void {
  for (const [k, v] of Object.entries(price)) {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw new RangeError(`registerPrice("${model}"): ${k} must be a non-negative number, got ${String(v)}`);
    }
  }
  table.set(model, { ...price });
}

/** The price for an LM id ("openai/gpt-4o", "ax/openai/gpt-4o", "gpt-4o"), exact names only; undefined when unknown. */
export function priceFor(lmId: string): ModelPrice | undefined {
  const exact = table.get(lmId);
  if (exact) return exact;
  // "ax/openai/gpt-4o" -> "openai/gpt-4o" -> "gpt-4o"
  const parts = lmId.split("/");
  for (let i = 1; i < parts.length; i++) {
    const hit = table.get(parts.slice(i).join("/"));
    if (hit) return hit;
  }
  return undefined;
}

const reported = new Set<string>();

/**
 * Says once per model (per process) that it has no price, and how to add one.
 * Returns the message the first time, undefined after.
 */
export function unpricedNotice(lmId: string): string | undefined {
  if (reported.has(lmId)) return undefined;
  reported.add(lmId);
  return unpricedAdvice(lmId);
}

/** What to do about a model with no price. */
export function unpricedAdvice(lmId: string): string {
  const model = lmId.split("/").pop() ?? lmId;
  return (
    `otpforge: ${lmId} is not in the price table (prices checked ${PRICES_CHECKED}), so its cost is not counted. ` +
    `Add its list price: registerPrice("${model}", { inputPerMTok, outputPerMTok, cachedInputPerMTok }) from @otpforge/core.`
  );
}

/** Estimated USD cost of `usage`, or undefined when the model's price is unknown. */
export function estimateCostUSD(lmId: string, usage: Usage, price: ModelPrice | undefined = priceFor(lmId)): number | undefined {
  if (!price) return undefined;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  const cost =
    (fresh * price.inputPerMTok +
      cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
      usage.completionTokens * price.outputPerMTok) /
    1e6;
  return Math.round(cost * 1e9) / 1e9;
}
