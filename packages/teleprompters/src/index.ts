// Public API of @otpforge/teleprompters. Import from here only.

// Compiled-program artifacts
export {
  FORMAT_VERSION,
  ARTIFACT_KIND,
  CompiledProgramSchema,
  type CompiledProgram,
  type PredictorArtifact,
  type SignatureSpec,
  type FieldSpec,
  type CandidateScore,
  type BudgetStop,
  type DatasetInfo,
  type Demo,
} from "./artifact/schema.js";
export { computeContentHash, artifactContent } from "./artifact/content-hash.js";
export { finalizeArtifact, type ArtifactContent } from "./artifact/finalize.js";
export { parseArtifact } from "./artifact/parse.js";
export { writeArtifactDir, readArtifact, promptFileStem, ARTIFACT_FILE, PROMPTS_DIR, type RenderedPrompts } from "./artifact/files.js";
export {
  ArtifactFormatError,
  ArtifactIntegrityError,
  ArtifactMismatchError,
  VersionExistsError,
  ArtifactNotFoundError,
} from "./artifact/errors.js";

// Publishing
export { publish, load, readIndex, checkArtifactName, PublishInputError, INDEX_FILE, type PublishOptions, type PublishResult, type LoadedArtifact, type RegistryIndex } from "./registry/registry.js";

// Runs: budgets and checkpoints
export { BudgetTracker, BudgetExceeded, UnpricedModelError, type Budget, type BudgetName, type Spend } from "./run/budget.js";
export { CheckpointStore, CheckpointError } from "./run/checkpoint.js";

// Files

// Building and loading artifacts from programs
export { buildArtifact, describePredictors, packageVersions, type ArtifactRunInfo } from "./artifact/build.js";
export { loadCompiled, loadCompiledFile, assertMatches } from "./artifact/load-compiled.js";
export { renderPrompts, type RenderedPrompt } from "./artifact/prompts.js";

// Optimizers
export { Teleprompter, CompileInputError, rank, type CompileOptions, type CompileResult, type OptimizeOutcome, type RunData } from "./optimizers/teleprompter.js";
export { LabeledFewShot, type LabeledFewShotOptions } from "./optimizers/labeled-few-shot.js";
export { BootstrapFewShot, runBootstrap, type BootstrapFewShotOptions, type BootstrapRunSettings, type BootstrapResult } from "./optimizers/bootstrap-few-shot.js";
export { BootstrapFewShotWithRandomSearch, candidateId, type RandomSearchOptions } from "./optimizers/random-search.js";
export { InstructionProposal, proposeInstructions, summarizeDataset, ProposeInstruction, type InstructionSearchOptions } from "./optimizers/instruction-proposal.js";
export { demosFromTrace, type ExampleOutcome } from "./optimizers/bootstrap/bootstrap-example.js";
export { orderedSearch, INTERRUPTED } from "./optimizers/bootstrap/ordered-search.js";
export { projectDemo, datasetHash, withoutDemos, demoCounts } from "./optimizers/demos.js";
export { metricScore, passes } from "./optimizers/metric.js";
export { RunContext, TooManyErrorsError, type ProgressEvent } from "./run/run-context.js";
export { instrument, overrideRequests } from "./run/instrument.js";

// Tasks: what `otpforge compile` tunes
export { loadTaskModule, toCompileTask, TaskModuleError, type CompileTask } from "./tasks/compile-task.js";
export { loadJsonlExamples, ExamplesFileError } from "./tasks/examples-file.js";
export { compileReportInput } from "./tasks/compile-report.js";
export { compileTaskToDir, makeOptimizer, OPTIMIZERS, type OptimizerName, type CompileTaskOptions, type CompileTaskResult } from "./tasks/compile-to-dir.js";
