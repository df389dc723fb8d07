// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { InvalidPairInputError, sameProgram, runScenario, stripCodeFence } from "./pair-verification/index.js";
export { scoreScenario, type ScenarioScore, type ScenarioCandidate } from "./scenario-metric.js";
export { summarizeEval } from "./evals/index.js";
export { verifyDesign, jobTimeoutMs, findTopCandidates, buildProbeScript, DEFAULT_PROBE_TIMING } from "./design/index.js";
// Trusted skeletons only (references, fixtures): several in one job, to keep the test suite short.
export { verifyDesignBatch, type DesignBatchItem } from "./design/verify-batch.js";
export type { ProbeReport } from "./design/probe-job.js";
export { designProblemsJsonl, DesignDataError } from "./evals/design.js";
export { exitClass, normalizeTerm, termEquals, readPredictedTerm } from "./trace-answer/index.js";
