import { defineEntry } from "../entry.js";

export const duplicateTimers = defineEntry({
  id: "duplicate-timers",
  kind: "anti-pattern",
  category: "timers",
  title: "Duplicate timers",
  antiPattern: "A heartbeat GenServer schedules a new Process.send_after timer on every reset without cancelling the old one",
  explanation:
    "Every reset starts a new timer, and every timer re-arms itself when it fires, while the earlier timers keep " +
    "running: after n resets, n + 1 heartbeat chains tick and beats come n + 1 times too often. The fix keeps the " +
    "timer reference and a token in the state, cancels the old timer before starting a new one, and ignores a beat " +
    "whose token is stale (it may have fired just before the cancel).",
});
