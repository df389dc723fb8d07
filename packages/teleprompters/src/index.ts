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
export { publish, load, readIndex, checkArtifactName, INDEX_FILE, type PublishOptions, type PublishResult, type LoadedArtifact, type RegistryIndex } from "./registry/registry.js";

// Runs: budgets and checkpoints
export { BudgetTracker, BudgetExceeded, UnpricedModelError, type Budget, type BudgetName, type Spend } from "./run/budget.js";
export { CheckpointStore, CheckpointError } from "./run/checkpoint.js";

// Files
export { writeFileAtomic, writeJsonAtomic } from "./io/atomic-write.js";
