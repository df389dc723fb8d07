import { defineEntry } from "../entry.js";

export const stateLostOnRestart = defineEntry({
  id: "state-lost-on-restart",
  kind: "anti-pattern",
  category: "state-loss",
  title: "State lost on restart",
  antiPattern: "A supervised GenServer keeps all sessions in its state and crashes on a bad request",
  explanation:
    "The sessions live only in the server's state. When a bad request crashes it, the supervisor restarts it from " +
    "init/1, i.e. with an empty map: a restart restores the process, not its data. The fix keeps the sessions in an " +
    "ETS table owned by a separate process that does nothing else (and started first, under rest_for_one), so a " +
    "crash of the sessions server no longer costs any data.",
  explore: { maxSchedules: 200 },
});
