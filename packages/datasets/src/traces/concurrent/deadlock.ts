// Family deadlock: can the system reach a state where every process waits
// and nothing (no message, no timer) can wake any of them? Calls with
// :infinity between two servers deadlock only in some interleavings; the
// explorer's report says who waits in what.
import type { Rng } from "@otpforge/core";
import { block, scenarioModule, wrapFn } from "./elixir-text.js";
import { childNames, lines, type ConcurrentWorld } from "./world.js";

const DEADLOCK_NOTE =
  "Write :deadlock for a run in which every process ends up waiting with nothing left that could wake one (no message on its way, no timer).";

const PEER = (name: string, peer: string, reply: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)",
    "  def init(s), do: {:ok, s}",
    "",
    `  def handle_call(:go, _from, s), do: {:reply, {:${reply}, GenServer.call(${peer}, :ping, :infinity)}, s}`,
    `  def handle_call(:ping, _from, s), do: {:reply, :${reply}, s}`,
    "end",
  );

/**
 * Two servers that each call the other while handling :go. Two clients sending
 * :go to both can leave each server waiting for the other; with one :go and one
 * :ping nobody waits on a busy server for long.
 */
export function crossedCalls(rng: Rng): ConcurrentWorld {
  const [a, b] = rng.pick([
    ["Left", "Right"],
    ["North", "South"],
    ["Alpha", "Beta"],
  ]);
  const second = rng.pick(["go", "go", "ping"] as const);
  const body = [
    `{:ok, _} = ${a}.start_link(nil)`,
    `{:ok, _} = ${b}.start_link(nil)`,
    `t1 = Task.async(fn -> GenServer.call(${a}, :go, :infinity) end)`,
    `t2 = Task.async(fn -> GenServer.call(${b}, :${second}, :infinity) end)`,
    "{Task.await(t1, :infinity), Task.await(t2, :infinity)}",
  ];
  return {
    family: "deadlock",
    variant: second === "go" ? "crossed_calls" : "one_way_call",
    difficulty: second === "go" ? "hard" : "medium",
    modules: [PEER(a, b, a.toLowerCase()), PEER(b, a, b.toLowerCase())].join("\n\n"),
    scenario: scenarioModule(body),
    legend: childNames([a, b, "the task t1", "the task t2"]),
    questions: [
      { key: "run", text: `Scenario.run/0 returns the tuple of t1's and t2's replies. Which values can it return? ${DEADLOCK_NOTE}` },
    ],
    shape: { second },
    params: { a, b },
  };
}

/** Two processes that each wait for a message from the other; a third may send the first one. */
export function waitForEachOther(rng: Rng): ConcurrentWorld {
  const [x, y] = rng.sample(["ping", "pong", "go", "ready", "token"], 2);
  const starter = rng.chance(0.5);
  const body = [
    "me = self()",
    wrapFn("second = spawn(", ["receive do", `  :${y} -> send(me, :second_done)`, "end"]),
    wrapFn("first = spawn(", ["receive do", `  :${x} -> send(second, :${y})`, "end", "send(me, :first_done)"]),
    ...(starter ? [`spawn(fn -> send(first, :${x}) end)`] : []),
    "receive do",
    "  :second_done -> :both_done",
    "end",
  ];
  return {
    family: "deadlock",
    variant: starter ? "started_chain" : "unstarted_chain",
    difficulty: "easy",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(["the process second", "the process first", ...(starter ? [`the starter that sends :${x}`] : [])]),
    questions: [{ key: "run", text: `Which values can Scenario.run/0 return? ${DEADLOCK_NOTE}` }],
    shape: { starter },
    params: { x, y },
  };
}

/**
 * Two Agents whose update functions read the other Agent (with :infinity): the functions run inside
 * the Agents, so when both updates have started, each Agent waits for the other. With one update
 * that reads nothing, they cannot wait for each other.
 */
export function agentCycle(rng: Rng): ConcurrentWorld {
  const [x, y] = [rng.int(1, 5), rng.int(1, 5)];
  const crossed = rng.chance(0.7);
  const second = crossed ? "fn n -> n * Agent.get(a, & &1, :infinity) end" : "fn n -> n * 2 end";
  const body = block(
    `{:ok, a} = Agent.start_link(fn -> ${x} end)`,
    `{:ok, b} = Agent.start_link(fn -> ${y} end)`,
    "add_b = fn n -> n + Agent.get(b, & &1, :infinity) end",
    `${crossed ? "times_a" : "double"} = ${second}`,
    "t1 = Task.async(fn -> Agent.update(a, add_b, :infinity) end)",
    `t2 = Task.async(fn -> Agent.update(b, ${crossed ? "times_a" : "double"}, :infinity) end)`,
    "Task.await(t1, :infinity)",
    "Task.await(t2, :infinity)",
    "{Agent.get(a, & &1), Agent.get(b, & &1)}",
  );
  return {
    family: "deadlock",
    variant: crossed ? "agent_cycle" : "agent_one_way",
    difficulty: crossed ? "hard" : "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(["the Agent a", "the Agent b", "the task t1", "the task t2"]),
    questions: [
      { key: "run", text: `Scenario.run/0 returns the two Agents' states {a, b} at the end. Which values can it return? ${DEADLOCK_NOTE}` },
    ],
    shape: { crossed },
    params: { x, y },
  };
}

export const DEADLOCK = { crossedCalls, waitForEachOther, agentCycle };
