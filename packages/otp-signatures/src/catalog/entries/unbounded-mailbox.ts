import { defineEntry } from "../entry.js";

export const unboundedMailbox = defineEntry({
  id: "unbounded-mailbox",
  kind: "anti-pattern",
  category: "blocking",
  title: "Unbounded mailbox under a cast flood",
  antiPattern: "Producers send metrics to a slow GenServer with GenServer.cast and never wait",
  explanation:
    "A cast returns immediately whatever the receiver's load, so producers that cast faster than the sink can " +
    "persist fill its mailbox without limit: memory grows, every later message (including calls) waits behind the " +
    "backlog, and a crash would lose all of it. The fix uses a call, so each producer waits for its sample to be " +
    "stored: producers are slowed to the sink's pace (back-pressure) and the mailbox stays short.",
});
