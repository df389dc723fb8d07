import { defineEntry } from "../entry.js";

export const spawnThenRegister = defineEntry({
  id: "spawn-then-register",
  kind: "anti-pattern",
  category: "race",
  title: "Spawn-then-register race",
  antiPattern: "Start a named singleton on first use by checking Process.whereis, starting it, then registering the name",
  explanation:
    "Checking for the name, starting the server and registering the name are three steps. Concurrent first users " +
    "all see nil, all start a server, and all but one crash in Process.register/2 with an ArgumentError because " +
    "the name is taken (leaving orphan servers behind). Passing name: to GenServer.start registers the name " +
    "atomically as part of starting, before init/1 runs; losers get {:error, {:already_started, pid}} and use that pid.",
});
