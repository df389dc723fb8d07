import { defineEntry } from "../entry.js";

export const callCycle = defineEntry({
  id: "call-cycle",
  kind: "anti-pattern",
  category: "deadlock",
  title: "Call cycle between two GenServers",
  antiPattern: "Deadlock: two GenServers call each other synchronously from inside handle_call",
  explanation:
    "Accounts handles :withdraw by calling Audit, and Audit handles :record by calling Accounts.balance/1. Accounts " +
    "cannot handle that call because it is still inside its own handle_call waiting for Audit, so both wait until " +
    "a call timeout fires (5 s by default), then the exit kills the servers and the client's call fails. OTP does " +
    "not detect such an indirect cycle. The fix makes calls flow one way: Accounts passes the balance Audit needs, " +
    "so Audit never calls back.",
  explore: { maxSchedules: 200 },
});
