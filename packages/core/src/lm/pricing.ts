// Estimated cost of LM calls from a price table the user can extend.
// Prices are list prices in US dollars per million tokens, as published by
// the providers (checked 2025); they are estimates, not invoices.
import type { Usage } from "./types.js";

export interface ModelPrice {
  /** USD per 1M prompt tokens not served from the provider's prompt cache. */
  inputPerMTok: number;
  /** USD per 1M completion tokens. */
  outputPerMTok: number;
  /** USD per 1M prompt tokens read from the provider's prompt cache (default: inputPerMTok). */
  cachedInputPerMTok?: number;
}

const table = new Map<string, ModelPrice>([
  ["gpt-4o", { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 }],
  ["gpt-4o-mini", { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 }],
  ["gpt-4.1", { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }],
  ["gpt-4.1-mini", { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 }],
  ["gpt-4.1-nano", { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 }],
  ["gpt-5", { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 }],
  ["gpt-5-mini", { inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025 }],
  ["gpt-5-nano", { inputPerMTok: 0.05, outputPerMTok: 0.4, cachedInputPerMTok: 0.005 }],
  ["o3", { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }],
  ["o4-mini", { inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275 }],
  ["claude-sonnet-4-5", { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }],
  ["claude-sonnet-4", { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }],
  ["claude-3-7-sonnet", { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 }],
  ["claude-haiku-4-5", { inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1 }],
  ["claude-3-5-haiku", { inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08 }],
  ["claude-opus-4-5", { inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5 }],
  ["claude-opus-4-1", { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5 }],
  ["claude-opus-4", { inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5 }],
]);

/**
 * Adds or replaces a price. `model` is a model name ("gpt-4o-mini", which
 * also covers dated variants such as "gpt-4o-mini-2024-07-18") or a full LM
 * id ("openai-compatible/qwen2.5-coder", "ax/groq/llama-3.3-70b") when the same
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

/** The price for an LM id, or undefined when none is known. */
export function priceFor(lmId: string): ModelPrice | undefined {
  const exact = table.get(lmId);
  if (exact) return exact;
  // "ax/openai/gpt-4o" -> "openai/gpt-4o" -> "gpt-4o"
  const parts = lmId.split("/");
  for (let i = 1; i < parts.length; i++) {
    const hit = table.get(parts.slice(i).join("/"));
    if (hit) return hit;
  }
  // Dated or suffixed variants: the longest known name that prefixes the model name.
  const model = parts.slice(1).join("/") || lmId;
  const bare = model.split("/").pop() ?? model;
  let best: string | undefined;
  for (const key of table.keys()) {
    if (key.includes("/")) continue;
    if ((bare.startsWith(`${key}-`) || bare.startsWith(`${key}@`)) && (!best || key.length > best.length)) best = key;
  }
  return best ? table.get(best) : undefined;
}

/** Estimated USD cost of `usage`, or undefined when the model's price is unknown. */
export function estimateCostUSD(lmId: string, usage: Usage, price: ModelPrice | undefined = priceFor(lmId)): number | undefined {
  if (!price) return undefined;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  const cost =
    (fresh * price.inputPerMTok + cached * (price.cachedInputPerMTok ?? price.inputPerMTok) + usage.completionTokens * price.outputPerMTok) / 1e6;
  return Math.round(cost * 1e9) / 1e9;
}
