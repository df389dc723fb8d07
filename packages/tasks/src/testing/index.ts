// Test doubles for the OTP tasks: @otpforge/tasks/testing.
export { traceDemoLM, traceDemoHandler, traceModelOptions, traceMistake } from "./trace-model.js";
