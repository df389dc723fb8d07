import { defineEntry } from "../entry.js";

export const etsReadThenWrite = defineEntry({
  id: "ets-read-then-write",
  kind: "anti-pattern",
  category: "race",
  title: "ETS read-then-write",
  antiPattern: "Race condition: many processes update a counter in a public ETS table with lookup followed by insert",
  explanation:
    "The table is shared state outside any process, and :ets.lookup followed by :ets.insert is two independent " +
    "operations. Two processes (on two schedulers, or one preempted between the calls) read the same count and " +
    "both insert count + 1, so hits are lost. :ets.update_counter/4 performs the read, the addition and the write " +
    "atomically on the table, and creates the row from the default when it is missing.",
});
