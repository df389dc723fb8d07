import { defineEntry } from "../entry.js";

export const localVariableCounter = defineEntry({
  id: "local-variable-counter",
  kind: "false-friend",
  category: "race",
  title: "Local variable inside handle_call (the brief's counter)",
  antiPattern: "Race condition in a GenServer counter: handle_call copies the value into a local variable before updating it",
  explanation:
    "Claimed: two callers can read the same current_value before either updates the state, so the copy into a " +
    "local variable makes the increment non-atomic.",
  whyNotABug:
    "A GenServer handles one message at a time and the whole handle_call runs before the next message is taken. " +
    "The local variable and the inline expression are the same computation inside one callback; no other caller " +
    "can interleave, so both versions behave identically under any load.",
});
