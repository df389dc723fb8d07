// Public API of @otpforge/metrics. Import from here only.
export {
  verifyPair,
  programFingerprints,
  stripCodeFence,
  type VerifyPairOptions,
  verifyCatalog,
  type CatalogCheck,
  type CatalogReport,
  type VerifyCatalogOptions,
  type PairInput,
  type PairVerdict,
  type PairReasonCode,
  type RunOutcome,
  type Side,
  type SideReport,
  searchSide,
  scenarioSource,
  DEFAULT_PROOF_SCHEDULES,
  DEFAULT_SEARCH_TIMEOUT_MS,
  type SearchSideOptions,
  type SideSearch,
} from "./pair-verification/index.js";
export { scenarioMetric, type ScenarioMetricOptions } from "./scenario-metric.js";
export {
  evalScenario,
  scenarioAcceptance,
  type EvalScenarioOptions,
  type ScenarioEvalRecord,
  type ScenarioTargetRecord,
} from "./evals/scenario.js";
export {
  formatEvalSummary,
  writeEvalRecords,
  type EvalRecord,
  type CategorySummary,
  type EvalResult,
  evalFixBug,
  gradeFix,
  readFixBugCases,
  FixBugDataError,
  DEFAULT_FIX_BUG_RUNS,
  type FixBugRecord,
  type FixBugGrade,
  type EvalFixBugOptions,
  type GradeFixOptions,
  type RunFields,
} from "./evals/index.js";
export * from "./fix-bug-checks/index.js";
export {
  type DesignVerification,
  type DesignStatus,
  type RequirementResult,
  designMetric,
  type DesignMetric,
  type DesignMetricOptions,
  type ProbeTiming,
  designProbePreload,
  DESIGN_PROBE_PRELOAD,
  verifyDesign,
  type VerifyDesignOptions,
  BEHAVIOUR_FAILED_CAP,
} from "./design/index.js";
export { runDesignBench, type DesignBenchOptions, type DesignBenchResult, type DesignBenchRun } from "./design/bench.js";
export { evalDesign, readDesignProblems, type DesignRecord, type EvalDesignOptions, type DesignEvalResult } from "./evals/design.js";
export { formatDesignDetails, type FailedRequirement, type KindSummary } from "./evals/design-summary.js";
export { ArchitectureCritic, architectureScore, type ArchitectureReview, type CriticOption } from "./design/architecture-critic.js";
export type { ArchitectureSummary } from "./evals/design-critic.js";
export { traceAnswer, scoreTraceAnswer, type TraceAnswerKind, type TraceAnswerScore } from "./trace-answer/index.js";
export {
  evalReasoning,
  type TraceEvalExample,
  type ReasoningRecord,
  type ReasoningEvalResult,
  type EvalReasoningOptions,
} from "./evals/reasoning.js";
export { evalReportInput, type EvalReportOptions } from "./evals/report.js";
