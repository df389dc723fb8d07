import { defineEntry } from "../entry.js";

export const blockingHandleCall = defineEntry({
  id: "blocking-handle-call",
  kind: "anti-pattern",
  category: "blocking",
  title: "Blocking work in handle_call",
  antiPattern: "A GenServer performs slow work directly inside handle_call",
  explanation:
    "A GenServer handles one message at a time. While handle_call({:render, ...}) sleeps through a one-second render, " +
    "every other message waits in the mailbox, so even a cheap :stats call times out. The fix hands the slow work " +
    "to a separate process that answers the caller with GenServer.reply/2 and returns {:noreply, state} at once, " +
    "keeping the server responsive.",
});
