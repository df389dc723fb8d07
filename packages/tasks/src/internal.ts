// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { EvalSplitError } from "./eval-split-error.js";
