import { defineEntry } from "../entry.js";

export const sendToSelfInInit = defineEntry({
  id: "send-to-self-in-init",
  kind: "false-friend",
  category: "state-loss",
  title: "A message sent to self from init is lost",
  antiPattern: "A GenServer sends itself a :load message from init/1; the message is lost because the server is not ready yet",
  explanation: "Claimed: during init/1 the process is not yet a running server, so a message it sends itself there is dropped.",
  whyNotABug:
    "The process and its mailbox exist as soon as it is spawned; the :load message waits in the mailbox and is the " +
    "first thing handled after init/1 returns, before any request from a caller that only learns the pid when " +
    "start returns. handle_continue is tidier, but both load the data before the first call is served.",
});
