// Public surface of the LM clients (re-exported by the package index).
export { lm, lmFromEnv, envLM, parseLMSpec, PROVIDER_PREFIXES, OPENAI_DEFAULT_BASE_URL, ANTHROPIC_DEFAULT_BASE_URL } from "./factory.js";
export type { LMSpec } from "./factory.js";
export { LMClient, LM_DEFAULTS } from "./client.js";
export type { LMOptions } from "./client.js";
export { LMConfigError, MissingAPIKeyError, UnknownProviderError, LMRequestError } from "./errors.js";
export { RETRY_DEFAULTS, backoffDelay, parseRetryAfter } from "./retry.js";
export type { RetryOptions, FailureKind, AttemptRecord, ClassifiedFailure } from "./retry.js";
export { LMCache, lmCacheKey, defaultCacheDir, CACHE_FILE, cacheOpenError } from "./cache.js";
export type { CachedResponse, CacheKeyParts } from "./cache.js";
export { UsageTracker, trackUsage, processUsage } from "./usage.js";
export type { UsageTotals, UsageReport } from "./usage.js";
export { registerPrice, priceFor, estimateCostUSD, unpricedAdvice, PRICES_CHECKED } from "./pricing.js";
export { SUGGESTED_MODELS, noModelMessage } from "./models.js";
export type { ModelPrice } from "./pricing.js";
export { inspectHistory, formatHistory, processHistory } from "./history.js";
export type { HistoryEntry } from "./history.js";
