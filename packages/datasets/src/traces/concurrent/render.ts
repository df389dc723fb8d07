// What a concurrent record shows: the modules as process_code, System's code
// (the Scenario module, exactly as it runs) as the event trace, and the
// question with the canonical answer syntax.
import { ANSWER_FORMAT } from "./outcomes.js";
import type { ConcurrentQuestion, ConcurrentWorld } from "./world.js";

const NO_MODULES = "# No modules of its own: every process of this system is started by System in Scenario.run/0 (see the event trace).";

export function concurrentProcessCode(world: ConcurrentWorld): string {
  return world.modules.trim() || NO_MODULES;
}

export function concurrentEventTrace(world: ConcurrentWorld): string {
  return [
    "System's process runs Scenario.run/0 once, from T=0ms:",
    "",
    world.scenario.trim(),
    "",
    "Each Task.async and spawn starts a client that runs at the same time as System and the other clients: nothing orders their steps " +
      "except the messages they wait for. Timers and timeouts count virtual milliseconds from T=0ms.",
  ].join("\n");
}

export function concurrentQuestion(q: ConcurrentQuestion): string {
  return `${q.text} ${ANSWER_FORMAT}`;
}
