// Public API of @otpforge/teleprompters. Import from here only.

// Compiled-program artifacts
export { CompiledProgramSchema, type CompiledProgram, type CandidateScore, type BudgetStop } from "./artifact/schema.js";
export { type ArtifactContent } from "./artifact/finalize.js";
export { writeArtifactDir, readArtifact, type RenderedPrompts } from "./artifact/files.js";
export { ArtifactMismatchError, VersionExistsError } from "./artifact/errors.js";
export {
  publish,
  load,
  readIndex,
  type PublishOptions,
  type PublishResult,
  type LoadedArtifact,
  type RegistryIndex,
} from "./registry/registry.js";
export { UnpricedModelError, type Budget, type Spend } from "./run/budget.js";
export { buildArtifact, type ArtifactRunInfo } from "./artifact/build.js";
export { loadCompiled, loadCompiledFile } from "./artifact/load-compiled.js";
export { renderPrompts, type RenderedPrompt } from "./artifact/prompts.js";
export { Teleprompter, type CompileOptions, type CompileResult } from "./optimizers/teleprompter.js";
export { LabeledFewShot, type LabeledFewShotOptions } from "./optimizers/labeled-few-shot.js";
export { BootstrapFewShot, type BootstrapFewShotOptions } from "./optimizers/bootstrap-few-shot.js";
export { BootstrapFewShotWithRandomSearch, type RandomSearchOptions } from "./optimizers/random-search.js";
export { InstructionProposal, type InstructionSearchOptions } from "./optimizers/instruction-proposal.js";
export { TooManyErrorsError, type ProgressEvent } from "./run/run-context.js";
export { loadTaskModule, type CompileTask } from "./tasks/compile-task.js";
export { loadJsonlExamples } from "./tasks/examples-file.js";
export { compileReportInput } from "./tasks/compile-report.js";
export {
  compileTaskToDir,
  OPTIMIZERS,
  type OptimizerName,
  type CompileTaskOptions,
  type CompileTaskResult,
} from "./tasks/compile-to-dir.js";
// The otpforge-vs-Ax compile comparison behind `otpforge bench compile` (needs the optional peer @ax-llm/ax).
export { runCompileBench, COMPILE_BENCH_SETUP, type CompileBenchOptions, type CompileBenchResult } from "./bench/compile.js";
