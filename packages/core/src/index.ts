// Public API of @otpforge/core. Import from here only.
export { Rng, rng, hashSeed } from "./rng.js";
export { stableStringify, sha256, hashValue } from "./hash.js";
export type { Role, ChatMessage, ResponseFormat, LMRequest, Usage, Completion, LMResponse, LM } from "./lm/types.js";
export { ZERO_USAGE, addUsage } from "./lm/types.js";
export { renderReport, writeReport, barChart, escapeHtml, type ReportInput, type BarGroup } from "./report/index.js";
