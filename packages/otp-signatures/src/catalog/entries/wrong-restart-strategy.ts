import { defineEntry } from "../entry.js";

export const wrongRestartStrategy = defineEntry({
  id: "wrong-restart-strategy",
  kind: "anti-pattern",
  category: "supervision",
  title: "Wrong restart strategy for dependent children",
  antiPattern: "A Repo process keeps the pid of the Conn process it depends on, under a one_for_one supervisor",
  explanation:
    "Repo resolves Conn's pid once in init/1. When Conn dies, one_for_one restarts only Conn, as a new pid; Repo " +
    "still calls the old pid, gets a :noproc exit and crashes its caller's request. Children that depend on an " +
    "earlier sibling need rest_for_one (or one_for_all): when Conn restarts, Repo is restarted after it and " +
    "picks up the new pid.",
  explore: { maxSchedules: 200 },
});
