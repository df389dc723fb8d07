import { defineEntry } from "../entry.js";

export const lostUpdateSeparateCalls = defineEntry({
  id: "lost-update-separate-calls",
  kind: "anti-pattern",
  category: "race",
  title: "Lost update across separate calls",
  antiPattern: "Race condition: a client increments a GenServer counter with a get call followed by a set call",
  explanation:
    "increment/0 runs in the client: it reads the value with one call and writes value + 1 with a second call. " +
    "The server handles each message atomically, but not the pair: between a client's :get and its :set, other " +
    "clients' :set messages are handled, and the late :set overwrites them with a stale value, so increments are " +
    "lost. The fix sends one :increment message and does read, add and write inside a single handle_call.",
});
