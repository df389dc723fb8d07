// Public API of @otpforge/datasets. Import from here only.
export {
  WORLD_SCHEMA_VERSION, worldSchema, processSchema, handlerSchema, stepSchema, supervisorSchema, litSchema, difficultySchema,
  type World, type ProcessSpec, type Handler, type HandlerKind, type Step, type SupervisorSpec, type Lit, type Difficulty,
} from "./traces/world.js";
export { generateWorld, DIFFICULTY_KNOBS, type TraceKnobs } from "./traces/generate.js";
export { renderProcessCode, renderModules } from "./traces/render-code.js";
export { renderEventTrace } from "./traces/render-trace.js";
export { renderReplay } from "./traces/replay.js";
export { FAMILIES, familySchema, candidateSpecs, questionSpecSchema, specKey, type Family, type QuestionSpec } from "./traces/questions/spec.js";
export { questionText, answerKind, type AnswerKind } from "./traces/questions/text.js";
export { observeWorlds, runSeeds, WorldRunError, type WorldObservation, type ObservedEvent } from "./traces/observe-world.js";
export { poolRunner, localElixirRunner, runElixirSource, type ElixirRunner, type ElixirJob, type ElixirJobResult, type PoolLike } from "./traces/runner.js";
export { buildTraceDataset, beamVersions, worldSeedOf, TraceResumeError, type TraceDatasetOptions, type TraceDatasetResult, type TraceProgress } from "./traces/build.js";
export { traceExampleSchema, TRACE_RECORD_SCHEMA_VERSION, TRACE_GENERATOR_VERSION, type TraceExample, type Split } from "./traces/record.js";
export { worldHash, structureHash, splitOf, datasetStats, MAX_ANSWER_SHARE, type TraceDatasetStats, type FamilyStats } from "./traces/quality.js";
export {
  readTraceDataset, parseTraceRecords, serializeTraceRecords, TraceDatasetWriter, TraceFileError, partialPath, statsPath,
  optionsPath, readGenerationOptions,
} from "./traces/dataset-file.js";
export { checkResume, generationOptions, type TraceGenerationOptions } from "./traces/resume-check.js";
export { exportOpenAIChat, exportHuggingFace, traceChatMessages, ExportError, EXPORT_MANIFEST, type ExportResult, type OpenAIChatExportOptions, type HFExportOptions } from "./export/index.js";
