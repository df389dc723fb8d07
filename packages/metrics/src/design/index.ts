// Design verification and the design metric (see verify-design.ts).
export {
  verifyDesign,
  jobTimeoutMs,
  BEHAVIOUR_FAILED_CAP,
  type DesignVerification,
  type DesignStatus,
  type RequirementResult,
  type VerifyDesignOptions,
} from "./verify-design.js";
export { designMetric, problemOfExample, skeletonOf, type DesignMetric, type DesignMetricOptions } from "./design-metric.js";
export { formatDesignFeedback } from "./feedback.js";
export { findTopCandidates, type TopCandidate } from "./top-candidates.js";
export { buildProbeScript, DEFAULT_PROBE_TIMING, designProbePreload, DESIGN_PROBE_PRELOAD, type ProbeTiming } from "./probe-script.js";
export { DesignProbeError, type ProbeReport } from "./probe-job.js";
