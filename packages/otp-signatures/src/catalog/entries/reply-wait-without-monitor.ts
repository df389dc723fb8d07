import { defineEntry } from "../entry.js";

export const replyWaitWithoutMonitor = defineEntry({
  id: "reply-wait-without-monitor",
  kind: "anti-pattern",
  category: "timeouts",
  title: "Waiting for a reply without a monitor",
  antiPattern: "A function spawns a worker process and waits in receive for its result",
  explanation:
    "The caller spawns a worker and blocks in a receive with no monitor and no timeout. When the worker crashes " +
    "(bad input), no result message is ever sent and nothing else can wake the caller, so it waits for ever. The " +
    "fix uses spawn_monitor: either the result or a :DOWN message with the crash reason is guaranteed to arrive.",
  explore: { maxSchedules: 200 },
});
