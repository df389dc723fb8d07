// Public API of @otpforge/datasets. Import from here only.
export { WORLD_SCHEMA_VERSION, difficultySchema, type Difficulty } from "./traces/world.js";
export { type TraceKnobs } from "./traces/generate.js";
export { FAMILIES, familySchema, type Family } from "./traces/questions/spec.js";
export { poolRunner, localElixirRunner, type ElixirRunner, type ElixirJob, type ElixirJobResult } from "./traces/runner.js";
export {
  buildTraceDataset,
  concurrentTarget,
  beamVersions,
  type TraceDatasetOptions,
  type TraceDatasetResult,
  type TraceProgress,
} from "./traces/build.js";
export { tracePreload, TRACE_OBSERVER_PRELOAD } from "./traces/driver-input.js";
export { runTracesBench, type TracesBenchOptions, type TracesBenchResult } from "./traces/bench.js";
export { traceExampleSchema, type TraceExample, type Split } from "./traces/record.js";
export { isConcurrentRecord, type TraceDatasetRecord } from "./traces/dataset-record.js";
export { datasetStats, type TraceDatasetStats, type FamilyStats } from "./traces/quality.js";
export {
  readTraceDataset,
  parseTraceRecords,
  serializeTraceRecords,
  TraceDatasetWriter,
  TraceFileError,
  statsPath,
  readGenerationOptions,
} from "./traces/dataset-file.js";
export { traceDatasetNeedsWorlds, finishedTraceDataset } from "./traces/finished-dataset.js";
export { checkResume, generationOptions, TraceResumeError, type TraceGenerationOptions } from "./traces/resume-check.js";
export {
  buildConcurrentRecords,
  type ConcurrentBuildOptions,
  type ConcurrentBuildResult,
  type ConcurrentWorldCounters,
} from "./traces/concurrent/build.js";
export { concurrentStats, type ConcurrentStats } from "./traces/concurrent/stats.js";
export { concurrentTraceExampleSchema, type ConcurrentTraceExample } from "./traces/concurrent/record.js";
export { type ExploreBounds } from "./traces/concurrent/label.js";
export {
  exportOpenAIChat,
  exportHuggingFace,
  EXPORT_MANIFEST,
  type ExportResult,
  type OpenAIChatExportOptions,
  type HFExportOptions,
} from "./export/index.js";
export * from "./scenarios/index.js";
