// Public API of @otpforge/tasks: the OTP tasks as objects. Import from here only.
export { type OtpTask, type TaskName, type TaskOptions, type TaskEvalOptions } from "./task.js";
export { TASK_NAMES, isTaskName, openTask } from "./registry.js";
export { traceTask } from "./trace.js";
export { scenarioTask, ScenarioTargetsError, DEFAULT_SCENARIO_RUNS } from "./scenario.js";
export { selectEvalSplit, type EvalSelection } from "./eval-split.js";
// The demo pipeline `otpforge demo` (npm run demo) runs and prints.
export { runDemo, type DemoOptions, type DemoSummary } from "./demo/run-demo.js";
export { type DemoEvent, type DemoHooks } from "./demo/demo-events.js";
export { DemoDataError } from "./demo/model-steps.js";
