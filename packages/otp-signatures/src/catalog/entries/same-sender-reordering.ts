import { defineEntry } from "../entry.js";

export const sameSenderReordering = defineEntry({
  id: "same-sender-reordering",
  kind: "false-friend",
  category: "race",
  title: "Casts from one sender arrive out of order",
  antiPattern: "Two GenServer.cast messages from the same client may be applied in the opposite order",
  explanation: "Claimed: casts are asynchronous, so a ledger fed by casts from one client can apply entries out of order.",
  whyNotABug:
    "The BEAM guarantees that messages between one sender and one receiver are delivered in the order sent. A single " +
    "client's casts are applied in order; only messages from different senders may interleave.",
});
