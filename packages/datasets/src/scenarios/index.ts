export {
  generateScenarios,
  type ScenarioAttempt,
  type ScenarioBudget,
  type ScenarioGenerationOptions,
  type ScenarioGenerationResult,
} from "./generate.js";
export {
  falseFriendRecordSchema,
  FALSE_FRIEND_QUESTION,
  scenarioRecordSchema,
  SCENARIO_GENERATOR_VERSION,
  type FalseFriendRecord,
  type ScenarioRecord,
  type ScenarioSplit,
} from "./record.js";
export { verifyScenarioRecord, type ScenarioRecordCheck } from "./explorer-evidence.js";
export { acceptanceTable, formatAcceptanceTable, OUTCOMES, OUTCOME_TEXT, type AcceptanceRow, type ScenarioOutcome } from "./outcomes.js";
export { SCENARIO_TARGETS, SETTINGS, splitOf, type ScenarioTarget } from "./targets.js";
export {
  attemptsPath,
  checkScenarioResume,
  negativesPath,
  readScenarioAttempts,
  readScenarioRecords,
  readScenarioSettings,
  scenarioSettings,
  ScenarioDatasetWriter,
  ScenarioFileError,
  scenarioOptionsPath,
  scenarioStatsPath,
  type ScenarioGenerationSettings,
} from "./dataset-file.js";
