// Test helpers of the scenario generator (import from "@otpforge/datasets/internal").
export { demoAwareScenarioReply, scriptedScenarioAnswers, validScenarioFor, type ScenarioAnswer } from "./scripted-answers.js";
