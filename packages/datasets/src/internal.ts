// Names this package's own tests use that are not its public API (the package's
// "./internal" entry; users import from the package index).
export { worldSchema, type World, type Lit } from "./traces/world.js";
export { generateWorld } from "./traces/generate.js";
export { renderProcessCode } from "./traces/render-code.js";
export { renderEventTrace } from "./traces/render-trace.js";
export { specKey, type QuestionSpec } from "./traces/questions/spec.js";
export { observeWorlds, runSeeds, type WorldObservation, type ObservedEvent } from "./traces/observe-world.js";
export { exploreWorld } from "./traces/explore-world.js";
export { runElixirSource } from "./traces/runner.js";
export { worldSeedOf, TraceResumeError } from "./traces/build.js";
export { worldHash, structureHash, splitOf } from "./traces/quality.js";
export { ExportError } from "./export/index.js";
export { demoAwareScenarioReply, scriptedScenarioAnswers, validScenarioFor, type ScenarioAnswer } from "./scenarios/testing/index.js";
