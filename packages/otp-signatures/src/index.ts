// Public API of @otpforge/otp-signatures. Import from here only.
export { HARNESS_CONVENTION, SANDBOX_RULES } from "./harness-convention.js";
export { ConcurrencyScenario, ScenarioProgram } from "./concurrency-scenario.js";
export { FixBug, FixBugProgram, fixBugCaseSchema, type FixBugCase } from "./fix-bug.js";
export {
  CATEGORIES,
  isCategory,
  catalog,
  referencePairs,
  falseFriends,
  catalogEntry,
  catalogSourcesDir,
  defineEntry,
  FIX_BUG_SUITE_SUPPORT,
  scenarioDemos,
  fixBugCases,
  fixBugExamples,
  UnknownCatalogEntryError,
  type Category,
  type CatalogEntry,
  type EntryKind,
  type EntryMeta,
} from "./catalog/index.js";
export {
  designExamples,
  type DesignExampleData,
  DESIGN_PROBLEMS,
  designProblem,
  parseDesignProblem,
  assertElixirLiteral,
  assertAlias,
  assertElixirPattern,
  parseFunctionRef,
  InvalidDesignProblemError,
  STRATEGIES,
  RESTART_TYPES,
  REQUIREMENT_KINDS,
  BEHAVIOURAL_KINDS,
  type Strategy,
  type RestartType,
  type RequirementKind,
  type SupervisorRef,
  type ProcessRef,
  type ApiCall,
  type IndexedCall,
  type ScenarioStep,
  type DesignRequirement,
  type ConcurrentExplore,
  type DesignProblem,
} from "./design-problems/index.js";
export { parseTerm, printTerm, TermParseError, atomTerm, renderLit, messageTag, tupleArg, type Term, type Lit } from "./elixir-term.js";
export { SystemDesign, SystemDesignProgram } from "./system-design.js";
export { ConcurrencyTrace, TraceProgram, TRACE_INPUT_FIELDS } from "./concurrency-trace.js";
export {
  traceRecordSchema,
  traceAnswerKindSchema,
  splitSchema,
  TRACE_ANSWER_KINDS,
  type TraceRecord,
  type TraceAnswerKind,
  type Split,
} from "./trace-record.js";
