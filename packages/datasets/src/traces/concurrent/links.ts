// Links between processes: a process that traps exits gets a linked
// process's end as an {:EXIT, pid, reason} message, ordered after that
// process's own messages (one sender) but not against anyone else's; a process
// that does not trap exits dies of a linked process's abnormal end, and the
// messages waiting in its mailbox go with it.
import type { Rng } from "@otpforge/core";
import { assign, block, scenarioModule, wrapFn } from "./elixir-text.js";
import { childNames, type ConcurrentWorld } from "./world.js";

const WORDS = ["apple", "pear", "plum", "fig", "kiwi", "lime", "date", "yuzu"];

/** arrival_order: System traps exits; a linked worker sends and ends; another process sends one message. */
export function trapExits(rng: Rng): ConcurrentWorld {
  const reason = rng.pick(["normal", "normal", "done", "boom"]);
  const twoMessages = rng.chance(0.3);
  const [m1, m2, other] = rng.sample(WORDS, 3) as [string, string, string];
  const mine = twoMessages ? [m1, m2] : [m1];
  const workerBody = [...mine.map((m) => `send(me, :${m})`), ...(reason === "normal" ? [] : [`exit(:${reason})`])];
  const total = mine.length + 2;
  const body = block(
    "Process.flag(:trap_exit, true)",
    "me = self()",
    assign("worker", wrapFn("spawn_link(", workerBody)),
    `spawn(fn -> send(me, :${other}) end)`,
    [`for _ <- 1..${total} do`, "  receive do", "    {:EXIT, ^worker, reason} -> {:exit, reason}", "    m -> m", "  end", "end"].join("\n"),
  );
  const says = mine.map((m) => `:${m}`).join(" then ");
  return {
    family: "arrival_order",
    variant: "trap_exits",
    difficulty: twoMessages ? "hard" : "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames([`the linked worker that sends ${says} and ends with :${reason}`, `the sender of :${other}`]),
    questions: [
      {
        key: "received",
        text:
          `System's process (Scenario.run/0) traps exits and receives ${total} messages, returning them in the order it received them, ` +
          "with the worker's exit message written as {:exit, reason}. Which lists can Scenario.run/0 return?",
      },
    ],
    shape: { twoMessages, normal: reason === "normal" },
    params: { reason, mine, other },
  };
}

/**
 * message_loss: a worker linked to a process that crashes, while System sends it a job. Not trapping
 * exits, the worker dies with the crash unless it handled the job first; trapping them, it still
 * dies if the crash comes before it set the flag.
 */
export function linkedCrash(rng: Rng): ConcurrentWorld {
  const n = rng.int(1, 99);
  const reason = rng.pick(["crash", "boom", "oops"]);
  const traps = rng.chance(0.4);
  const worker = block(
    ...(traps ? ["Process.flag(:trap_exit, true)"] : []),
    ["receive do", "  {:job, n} -> send(me, {:done, n})", "end"].join("\n"),
  );
  const body = block(
    "me = self()",
    wrapFn("spawn(", block(assign("worker", wrapFn("spawn_link(", worker)), "send(me, {:worker, worker})", `exit(:${reason})`)),
    "worker = receive(do: ({:worker, w} -> w))",
    `send(worker, {:job, ${n}})`,
    ["receive do", `  {:done, ${n}} -> :handled`, "after", "  1000 -> :lost", "end"].join("\n"),
  );
  return {
    family: "message_loss",
    variant: traps ? "linked_crash_trapped" : "linked_crash",
    difficulty: traps ? "hard" : "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: { ...childNames([`the process that starts the worker and exits with :${reason}`]), "main.1.1": "the worker" },
    questions: [
      {
        key: "job",
        text:
          `Scenario.run/0 returns :handled when the worker handled System's {:job, ${n}} (it answers {:done, ${n}}), ` +
          "and :lost when the worker died first, the job left in its mailbox. Which values can it return?",
      },
    ],
    shape: { traps },
    params: { n, reason },
  };
}

export const LINKS = { trapExits, linkedCrash };
