// Public API of @otpforge/tasks: the OTP tasks as objects. Import from here only.
export type { OtpTask, TaskName, TaskOptions, TaskEvalOptions } from "./task.js";
export { TASK_NAMES, isTaskName, openTask } from "./registry.js";
export { traceTask } from "./trace.js";
export { fixBugTask } from "./fix-bug.js";
export { designTask } from "./design.js";
export { selectEvalSplit, type EvalSelection } from "./eval-split.js";
export { EvalSplitError } from "./eval-split-error.js";
