// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { ZERO_USAGE, addUsage } from "./lm/types.js";
export { type OutputsOf } from "./signature/signature.js";
export { MISSING_FIELD, PARTIAL_DEMO_PREFIX } from "./adapters/values.js";
export { currentSettings } from "./settings.js";
export { traceUsage } from "./trace.js";
export {
  envLM,
  parseLMSpec,
  backoffDelay,
  parseRetryAfter,
  lmCacheKey,
  defaultCacheDir,
  CACHE_FILE,
  priceFor,
  estimateCostUSD,
  unpricedAdvice,
  cacheOpenError,
} from "./lm/index.js";
