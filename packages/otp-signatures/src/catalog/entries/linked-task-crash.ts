import { defineEntry } from "../entry.js";

export const linkedTaskCrash = defineEntry({
  id: "linked-task-crash",
  kind: "anti-pattern",
  category: "fault-propagation",
  title: "Linked task crash kills its owner",
  antiPattern: "A GenServer starts risky fetches with Task.async and handles their results in handle_info",
  explanation:
    "Task.async links the task to the GenServer. When a fetch raises, the task exits abnormally and the exit signal " +
    "kills the crawler (which does not trap exits) with all the pages it held; the :DOWN handler never runs. The " +
    "fix starts tasks with Task.Supervisor.async_nolink: the crawler only monitors them, so a failure arrives as a " +
    ":DOWN message it can record.",
});
