// System-design problems: each is checked by running a skeleton on the BEAM
// (see @otpforge/metrics, design metric) and each carries a hand-written
// reference skeleton that passes every requirement.
export * from "./types.js";
export { problemDescription } from "./describe.js";
export { designExamples, designDemos, type DesignExampleData } from "./examples.js";
export { DESIGN_PROBLEMS, designProblem, parseDesignProblem } from "./reference-set.js";
