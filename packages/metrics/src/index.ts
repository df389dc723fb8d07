// Public API of @otpforge/metrics. Import from here only.
export * from "./pair-verification/index.js";
export { scoreScenario, scenarioMetric, ExplanationJudge, type ScenarioScore, type ScenarioPart, type ScenarioPartName, type ScenarioCandidate, type ScenarioMetricOptions } from "./scenario-metric.js";
export * from "./evals/index.js";
export * from "./fix-bug-checks/index.js";
export * from "./design/index.js";
export { evalDesign, readDesignProblems, designProblemsJsonl, DesignDataError, type DesignRecord, type EvalDesignOptions } from "./evals/design.js";
export * from "./trace-answer/index.js";
export { evalReasoning, TraceDataError, type TraceEvalExample, type ReasoningRecord, type ReasoningEvalResult, type EvalReasoningOptions } from "./evals/reasoning.js";
export { evalReportInput, type EvalReportOptions } from "./evals/report.js";
