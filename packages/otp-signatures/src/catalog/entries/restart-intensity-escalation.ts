import { defineEntry } from "../entry.js";

export const restartIntensityEscalation = defineEntry({
  id: "restart-intensity-escalation",
  kind: "anti-pattern",
  category: "fault-propagation",
  title: "Restart intensity escalates to the supervisor",
  antiPattern: "A supervised parser crashes on every malformed input",
  explanation:
    "Each malformed input raises in String.to_integer/1 and kills the parser, and each restart counts against the " +
    "supervisor's restart intensity (default: 3 restarts in 5 seconds). A burst of bad input exceeds it, so the " +
    "supervisor gives up, terminates all its children (including the unrelated Stats sibling) and exits. The fix " +
    "answers expected bad input with {:error, :not_an_integer} and keeps crashes for faults nobody anticipated.",
  explore: { maxSchedules: 200 },
});
