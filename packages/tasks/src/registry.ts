// The built-in tasks by name. `otpforge compile`, `otpforge eval`, the demo
// and the examples all open tasks here.
import { designTask } from "./design.js";
import { fixBugTask } from "./fix-bug.js";
import { scenarioTask } from "./scenario.js";
import type { OtpTask, TaskName, TaskOptions } from "./task.js";
import { traceTask } from "./trace.js";

const FACTORIES: Record<TaskName, (options: TaskOptions) => OtpTask<any, any>> = {
  trace: () => traceTask(),
  "fix-bug": fixBugTask,
  design: designTask,
  scenario: scenarioTask,
};

export const TASK_NAMES = Object.keys(FACTORIES) as TaskName[];

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(FACTORIES, name);
}

/** A fresh task object (close() it when done: it may hold a BEAM pool). */
export function openTask(name: TaskName, options: TaskOptions = {}): OtpTask<any, any> {
  return FACTORIES[name](options);
}
