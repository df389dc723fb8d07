// Public API of @otpforge/core. Import from here only.
export { Rng, rng } from "./rng.js";
export { stableStringify, sha256, hashValue } from "./hash.js";
export {
  type Role,
  type ChatMessage,
  type ResponseFormat,
  type LMRequest,
  type Usage,
  type Completion,
  type LMResponse,
  type LM,
} from "./lm/types.js";
export { renderReport, writeReport, type ReportInput } from "./report/index.js";
export { OtpforgeError, describedError, type ErrorCategory, type OtpforgeErrorOptions } from "./errors.js";
export { signature, Signature, InvalidSignatureError } from "./signature/signature.js";
export { type SignatureSpec, type ShorthandOptions, type InferInputs, type InferOutputs, type InputsOf } from "./signature/signature.js";
export { SignatureSyntaxError } from "./signature/shorthand.js";
export { type Fields, type FieldInfo } from "./signature/fields.js";
export { Example, example, ExampleInputsNotSetError } from "./example.js";
export { type Data } from "./example.js";
export { Prediction } from "./prediction.js";
export { type PredictionMeta } from "./prediction.js";
export { Adapter, AdapterParseError } from "./adapters/adapter.js";
export {
  type AdapterOptions,
  type AdapterCallOptions,
  type AdapterResult,
  type FormatRequest,
  type ParseFailure,
  type ParseResult,
  type Issue,
} from "./adapters/adapter.js";
export { ChatAdapter } from "./adapters/chat-adapter.js";
export { JSONAdapter } from "./adapters/json-adapter.js";
export { configure, withSettings, currentLM, currentAdapter, NoLMConfiguredError } from "./settings.js";
export { type Settings } from "./settings.js";
export { Module, isModule } from "./module.js";
export { Predict, InputValidationError } from "./predict/predict.js";
export { type PredictOptions, type ForwardOptions } from "./predict/predict.js";
export { ChainOfThought } from "./predict/chain-of-thought.js";
export { type WithReasoning } from "./predict/chain-of-thought.js";
export { StateMismatchError, InvalidStateError } from "./state.js";
export { type PredictorState, type ProgramState, type HashMismatch } from "./state.js";
export { withTrace, traceOfError } from "./trace.js";
export { type Trace, type TraceStep, type WithTraceOptions } from "./trace.js";
export { evaluate, EvaluationAbortedError } from "./evaluate/evaluate.js";
export {
  type Metric,
  type MetricValue,
  type EvaluateOptions,
  type EvaluateProgress,
  type EvaluationRecord,
  type EvaluationResult,
  type ProgramLike,
} from "./evaluate/evaluate.js";
export { type RunUsage } from "./evaluate/run-usage.js";
export {
  diffLines,
  diffSequences,
  type DiffOp,
  type ReportDiff,
  type ReportRun,
  type ConfusionTable,
  type ScoreBreakdown,
} from "./report/index.js";
export { ProgressBar } from "./evaluate/progress-bar.js";
export { type ProgressBarOptions } from "./evaluate/progress-bar.js";
export {
  lm,
  lmFromEnv,
  LMClient,
  type LMOptions,
  LMConfigError,
  MissingAPIKeyError,
  UnknownProviderError,
  LMRequestError,
  type RetryOptions,
  type FailureKind,
  type AttemptRecord,
  type ClassifiedFailure,
  LMCache,
  type CachedResponse,
  UsageTracker,
  trackUsage,
  processUsage,
  type UsageTotals,
  type UsageReport,
  registerPrice,
  PRICES_CHECKED,
  SUGGESTED_MODELS,
  noModelMessage,
  type ModelPrice,
  inspectHistory,
  type HistoryEntry,
} from "./lm/index.js";
export { writeFileAtomicSync, writeJsonAtomic } from "./io/atomic-write.js";
export { jsonLines, type JsonLine, type JsonLinesOptions } from "./io/jsonl.js";
