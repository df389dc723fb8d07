// Family message_loss: can a given message be lost, and how? A message is lost
// when it waits in the mailbox of a process that ends (the mailbox goes with
// it), when it is handled by a process whose state is then thrown away (a
// restart starts from init), or when it is cast to a name nobody holds at that
// moment (GenServer.cast returns :ok and drops it).
import type { Rng } from "@otpforge/core";
import { scenarioModule, wrapFn } from "./elixir-text.js";
import { numberServer } from "./servers.js";
import { childNames, lines, type ConcurrentWorld } from "./world.js";

const NUMBER_SERVERS = ["Tally", "Meter", "Gauge", "Ledger"];
const WORDS = ["apple", "pear", "plum", "fig", "kiwi"];

/** A supervised, registered counter killed by one client while another casts to it. */
export function castDuringRestart(rng: Rng): ConcurrentWorld {
  const name = rng.pick(NUMBER_SERVERS);
  const initial = rng.int(0, 5);
  const k = rng.int(1, 9);
  const sameClient = rng.chance(0.3);
  const kill = `Process.exit(Process.whereis(${name}), :kill)`;
  const cast = `GenServer.cast(${name}, {:add, ${k}})`;
  const tasks = sameClient
    ? [wrapFn("t1 = Task.async(", [cast, kill])]
    : [`t1 = Task.async(fn -> ${kill} end)`, `t2 = Task.async(fn -> ${cast} end)`];
  const body = [
    `{:ok, _} = Supervisor.start_link([{${name}, ${initial}}], strategy: :one_for_one)`,
    ...tasks,
    ...tasks.map((_, i) => `Task.await(t${i + 1})`),
    `if counter() == ${initial + k}, do: :kept, else: :lost`,
  ];
  const helper = [
    "defp counter do",
    `  case Process.whereis(${name}) do`,
    "    nil ->",
    "      Process.sleep(1)",
    "      counter()",
    "",
    "    _ ->",
    `      GenServer.call(${name}, :get)`,
    "  end",
    "end",
  ];
  const who = sameClient ? "t1" : "t2";
  return {
    family: "message_loss",
    variant: sameClient ? "cast_then_kill" : "cast_during_restart",
    difficulty: sameClient ? "medium" : "hard",
    modules: numberServer(name),
    scenario: scenarioModule(body, helper),
    legend: childNames(["the supervisor", ...tasks.map((_, i) => `the task t${i + 1}`)]),
    questions: [
      {
        key: "cast",
        text:
          `Scenario.run/0 returns :kept when the restarted ${name}'s state includes ${who}'s cast {:add, ${k}} (${initial + k}), else :lost. ` +
          "Which values can it return?",
      },
    ],
    shape: { sameClient },
    params: { initial, k },
  };
}

/** A worker that takes one job if it is already there (`after 0`), or gives up and ends. */
export function impatientWorker(rng: Rng): ConcurrentWorld {
  const n = rng.int(1, 99);
  const wait = rng.pick([0, 0, 100]);
  const body = [
    "me = self()",
    wrapFn("worker = spawn(", ["receive do", `  {:job, n} -> send(me, {:done, n})`, "after", `  ${wait} -> send(me, :gave_up)`, "end"]),
    `spawn(fn -> send(worker, {:job, ${n}}) end)`,
    "receive do",
    "  {:done, _} -> :handled",
    "  :gave_up -> :lost",
    "end",
  ];
  return {
    family: "message_loss",
    variant: wait === 0 ? "impatient_worker" : "patient_worker",
    difficulty: "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(["the worker", "the sender of the job"]),
    questions: [
      {
        key: "job",
        text: `Scenario.run/0 returns :handled when the worker took the job {:job, ${n}}, and :lost when the worker gave up and ended first (the job left in its mailbox). Which values can it return?`,
      },
    ],
    shape: { wait },
    params: { n },
  };
}

const CLOSER = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(owner), do: GenServer.start_link(__MODULE__, owner, name: __MODULE__)",
    "  def init(owner), do: {:ok, owner}",
    "",
    "  def handle_cast(:close, owner), do: {:stop, :normal, owner}",
    "",
    "  def handle_cast({:note, x}, owner) do",
    "    send(owner, {:noted, x})",
    "    {:noreply, owner}",
    "  end",
    "end",
  );

/** One client closes the server (it stops itself) while another casts a note that the server reports back. */
export function castDuringStop(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Notes", "Inbox", "Desk"]);
  const x = rng.pick(WORDS);
  const body = [
    `{:ok, _} = ${name}.start_link(self())`,
    `t1 = Task.async(fn -> GenServer.cast(${name}, :close) end)`,
    `t2 = Task.async(fn -> GenServer.cast(${name}, {:note, :${x}}) end)`,
    "Task.await(t1)",
    "Task.await(t2)",
    "receive do",
    `  {:noted, :${x}} -> :handled`,
    "after",
    "  1000 -> :lost",
    "end",
  ];
  return {
    family: "message_loss",
    variant: "cast_during_stop",
    difficulty: "medium",
    modules: CLOSER(name),
    scenario: scenarioModule(body),
    legend: childNames([name, "the task t1", "the task t2"]),
    questions: [
      {
        key: "note",
        text: `Scenario.run/0 returns :handled when ${name} handled t2's cast {:note, :${x}} (it reports it), else :lost. Which values can it return?`,
      },
    ],
    shape: {},
    params: { x },
  };
}

const RELAY = lines(
  "defmodule Relay do",
  "  use GenServer",
  "",
  "  def start(to), do: GenServer.start(__MODULE__, to, name: __MODULE__)",
  "  def init(to), do: {:ok, to}",
  "",
  "  def handle_cast({:fwd, m}, to) do",
  "    send(to, m)",
  "    {:noreply, to}",
  "  end",
  "end",
);

/** A relay (not linked to System) passes a message on while another client kills it. */
export function relayKilled(rng: Rng): ConcurrentWorld {
  const x = rng.pick(WORDS);
  const body = [
    "{:ok, relay} = Relay.start(self())",
    `t1 = Task.async(fn -> GenServer.cast(Relay, {:fwd, :${x}}) end)`,
    "t2 = Task.async(fn -> Process.exit(relay, :kill) end)",
    "Task.await(t1)",
    "Task.await(t2)",
    "receive do",
    `  :${x} -> :delivered`,
    "after",
    "  1000 -> :lost",
    "end",
  ];
  return {
    family: "message_loss",
    variant: "relay_killed",
    difficulty: "medium",
    modules: RELAY,
    scenario: scenarioModule(body),
    legend: childNames(["Relay", "the task t1", "the task t2"]),
    questions: [
      {
        key: "fwd",
        text: `Scenario.run/0 returns :delivered when :${x}, cast by t1 to Relay to pass on, reaches System's process, else :lost. Which values can it return?`,
      },
    ],
    shape: {},
    params: { x },
  };
}

export const MESSAGE_LOSS = { castDuringRestart, impatientWorker, castDuringStop, relayKilled };
