// Test helpers of the scenario generator (import from "@otpforge/datasets/internal").
export { scriptedScenarioAnswers, type ScenarioAnswer } from "./scripted-answers.js";
