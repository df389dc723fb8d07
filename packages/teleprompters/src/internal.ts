// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { computeContentHash, artifactContent } from "./artifact/content-hash.js";
export { parseArtifact } from "./artifact/parse.js";
export { ArtifactFormatError, ArtifactIntegrityError, ArtifactNotFoundError } from "./artifact/errors.js";
export { PublishInputError, INDEX_FILE } from "./registry/registry.js";
export { BudgetTracker, BudgetExceeded } from "./run/budget.js";
export { CheckpointStore, CheckpointError } from "./run/checkpoint.js";
export { summarizeDataset } from "./optimizers/instruction-proposal.js";
export { toCompileTask, TaskModuleError } from "./tasks/compile-task.js";
export { ExamplesFileError } from "./tasks/examples-file.js";
export { SpellerServer, promptTokensOf } from "./bench/compile-server.js";
