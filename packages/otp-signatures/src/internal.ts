// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { problemDescription, designDemos } from "./design-problems/index.js";
export { isElixirLiteral } from "./elixir-term.js";
export { SKELETON_CONVENTION } from "./system-design.js";
