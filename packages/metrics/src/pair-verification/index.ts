export { verifyPair, InvalidPairInputError, DEFAULT_RUNS, DEFAULT_RUN_TIMEOUT_MS, type VerifyPairOptions } from "./verify-pair.js";
export { verifyCatalog, type CatalogCheck, type CatalogReport, type VerifyCatalogOptions } from "./verify-catalog.js";
export { sameProgram, programFingerprints } from "./same-program.js";
export { runScenario } from "./run-scenario.js";
export { checkVersion, type CheckVersionOptions } from "./check-version.js";
export {
  searchSide,
  scenarioSource,
  DEFAULT_PROOF_SCHEDULES,
  DEFAULT_SEARCH_TIMEOUT_MS,
  type SearchSideOptions,
  type SideSearch,
} from "./explore-side.js";
export type { PairInput, PairVerdict, PairReasonCode, RunOutcome, Side, SideReport } from "./types.js";
export { stripCodeFence } from "./code-text.js";
