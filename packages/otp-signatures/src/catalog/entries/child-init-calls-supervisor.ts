import { defineEntry } from "../entry.js";

export const childInitCallsSupervisor = defineEntry({
  id: "child-init-calls-supervisor",
  kind: "anti-pattern",
  category: "deadlock",
  title: "A child's init calls its own supervisor",
  antiPattern: "A supervised GenServer asks its supervisor for the list of children inside init/1",
  explanation:
    "A supervisor starts its children one by one and waits inside start_link for each child's init/1 to return. " +
    "Inspector.init/1 calls Supervisor.which_children/1 on that same supervisor, which cannot answer until the " +
    "start finishes; which_children waits with :infinity, so the supervisor never finishes starting. The fix " +
    "returns from init/1 at once with {:continue, ...} and asks in handle_continue/2, when the supervisor can reply.",
  explore: { maxSchedules: 200 },
});
