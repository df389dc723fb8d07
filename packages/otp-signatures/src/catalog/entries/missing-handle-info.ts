import { defineEntry } from "../entry.js";

export const missingHandleInfo = defineEntry({
  id: "missing-handle-info",
  kind: "false-friend",
  category: "fault-propagation",
  title: "Missing handle_info crashes the server",
  antiPattern: "A GenServer without handle_info/2 crashes when it receives an unexpected message",
  explanation: "Claimed: a stray message with no matching handle_info clause raises and kills the server.",
  whyNotABug:
    "`use GenServer` injects a default handle_info/2 that logs the unexpected message and keeps the state; the " +
    "server survives and goes on serving calls. Adding a catch-all clause only silences the log.",
});
