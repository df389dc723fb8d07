// Public API of @otpforge/beam. Import from here only.
export { createPool, type Pool } from "./pool.js";
export { withPool } from "./with-pool.js";
export { type JobRunner } from "./job-runner.js";
export { type Preload } from "./preload.js";
export { checkPolicy } from "./policy.js";
export { findElixir, type ElixirInstall } from "./elixir.js";
export { jsonCodecSource } from "./json-codec.js";
export {
  BeamError,
  ElixirNotFoundError,
  WorkerBuildError,
  WorkerStartError,
  PoolClosedError,
  InvalidJobError,
  IsolationUnavailableError,
  PreloadRefusedError,
} from "./errors.js";
export {
  type Job,
  type JobResult,
  type Limits,
  type Verdict,
  type PolicyResult,
  type PolicyViolation,
  type PoolOptions,
  type PoolStats,
  type SourceFile,
  type Submission,
} from "./types.js";
export { runBeamBench, benchProgram, type BeamBenchOptions, type BeamBenchResult } from "./bench.js";
export {
  explore,
  replay,
  ExploreError,
  type ExploreOptions,
  type ExploreResult,
  type ExploredOutcome,
  type DeliveryModel,
} from "./explore.js";
export { type ExploreJobOptions } from "./types.js";
export { EXPLORE_SUITE, type SuiteSystem } from "./explore-suite.js";
export { runExploreBench, type ExploreBenchOptions, type ExploreBenchResult } from "./explore-bench.js";
