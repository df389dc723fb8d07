export { generateScenarios, type ScenarioAttempt, type ScenarioBudget, type ScenarioGenerationOptions, type ScenarioGenerationResult } from "./generate.js";
export { scenarioRecordSchema, SCENARIO_GENERATOR_VERSION, type ScenarioRecord, type ScenarioSplit } from "./record.js";
export { acceptanceTable, formatAcceptanceTable, OUTCOMES, OUTCOME_TEXT, type AcceptanceRow, type ScenarioOutcome } from "./outcomes.js";
export { SCENARIO_TARGETS, SETTINGS, splitOf, type ScenarioTarget } from "./targets.js";
export {
  attemptsPath, checkScenarioResume, readScenarioAttempts, readScenarioRecords, readScenarioSettings, ScenarioDatasetWriter, ScenarioFileError,
  scenarioOptionsPath, scenarioStatsPath, type ScenarioGenerationSettings,
} from "./dataset-file.js";
