import { defineEntry } from "../entry.js";

export const lateReplyMismatch = defineEntry({
  id: "late-reply-mismatch",
  kind: "anti-pattern",
  category: "timeouts",
  title: "Late reply taken for the answer to a later request",
  antiPattern: "A hand-rolled send/receive request with a timeout, whose reply carries no request reference",
  explanation:
    "get/2 sends a request and waits for any {:reply, value}. When a slow request times out, its answer still " +
    "arrives later and stays in the caller's mailbox; the next get/2 matches that stale message and returns the " +
    "wrong value. The fix uses GenServer.call, which tags every request with a unique reference and waits on an " +
    "alias that is deactivated at the timeout, so late replies are dropped.",
  explore: { maxSchedules: 200 },
});
