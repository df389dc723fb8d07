import { defineEntry } from "../entry.js";

export const messagesLostOnCrash = defineEntry({
  id: "messages-lost-on-crash",
  kind: "anti-pattern",
  category: "state-loss",
  title: "Queued messages lost on crash",
  antiPattern: "A job runner GenServer crashes on one bad job while other jobs wait in its mailbox",
  explanation:
    "The jobs are queued as casts in the runner's mailbox. A job that raises (division by zero) kills the runner, " +
    "and a process's mailbox dies with it; the supervisor starts a new runner with an empty mailbox, so every job " +
    "queued behind the bad one is silently lost. The fix treats a failing job as that job's result: it rescues the " +
    "error, records it, and the runner goes on with the queue.",
  explore: { maxSchedules: 200 },
});
