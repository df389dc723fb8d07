import { defineEntry } from "../entry.js";

export const infinityCall = defineEntry({
  id: "infinity-call",
  kind: "anti-pattern",
  category: "timeouts",
  title: ":infinity call timeout",
  antiPattern: "A client calls a quote service with GenServer.call(..., :infinity)",
  explanation:
    "The quote service answers only when its upstream feed does. With an :infinity timeout, a request the feed " +
    "ignores leaves the caller blocked for ever, and whoever waits for that caller hangs too. The fix uses a bounded " +
    "timeout and turns the timeout exit into {:error, :timeout}; since OTP 24 the reply alias is deactivated at the " +
    "timeout, so a late answer is dropped.",
  explore: { maxSchedules: 200 },
});
