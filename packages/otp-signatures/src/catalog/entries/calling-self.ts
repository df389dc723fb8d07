import { defineEntry } from "../entry.js";

export const callingSelf = defineEntry({
  id: "calling-self",
  kind: "anti-pattern",
  category: "deadlock",
  title: "GenServer calling itself",
  antiPattern: "A GenServer callback calls the module's own public API, which does GenServer.call to the same server",
  explanation:
    "handle_call(:total, ...) calls items/0, the public API, which is GenServer.call(Cart, :items): a call from the " +
    "server to itself. The server could only answer after the current callback returns, so OTP refuses it and " +
    "exits with :calling_self, which crashes the server and fails the client's call. Inside a callback the state " +
    "is already at hand; the fix computes the total from it directly.",
  explore: { maxSchedules: 200 },
});
