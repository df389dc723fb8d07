// Supervision: a worker named through a Registry ({:via, Registry, ...}) and
// killed while a client calls it (the name is free between the kill and the
// restart, and a restarted worker starts from init); two clients starting the
// same named child under a DynamicSupervisor (the supervisor starts children
// one at a time: the second finds the name taken); and a nested supervisor that
// gives up after too many restarts, so that its own supervisor restarts it.
import type { Rng } from "@otpforge/core";
import { assign, block, scenarioModule, wrapFn } from "./elixir-text.js";
import { childNames, lines, type ConcurrentWorld } from "./world.js";

const WORKERS = ["Worker", "Keeper", "Holder"];
const KEYS = ["main", "primary", "account"];
const CATCH_EXIT = ["try do", "  GenServer.call(via, :get)", "catch", "  :exit, {reason, _} -> {:exit, reason}", "end"].join("\n");

const VIA_WORKER = (name: string, key: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(n) do",
    `    GenServer.start_link(__MODULE__, n, name: {:via, Registry, {Names, :${key}}})`,
    "  end",
    "",
    "  def init(n), do: {:ok, n}",
    "",
    "  def handle_call(:get, _from, n), do: {:reply, n, n}",
    "  def handle_call({:add, k}, _from, n), do: {:reply, n + k, n + k}",
    "end",
  );

/** possible_replies: a client calls a supervised worker through its Registry name while another kills it. */
export function viaRestart(rng: Rng): ConcurrentWorld {
  const name = rng.pick(WORKERS);
  const key = rng.pick(KEYS);
  const initial = rng.int(0, 5);
  const k = rng.int(1, 9);
  const body = block(
    "{:ok, _} = Registry.start_link(keys: :unique, name: Names)",
    `{:ok, _} = Supervisor.start_link([{${name}, ${initial}}], strategy: :one_for_one)`,
    `via = {:via, Registry, {Names, :${key}}}`,
    `${initial + k} = GenServer.call(via, {:add, ${k}})`,
    "t1 = Task.async(fn -> Process.exit(GenServer.whereis(via), :kill) end)",
    assign("t2", wrapFn("Task.async(", [CATCH_EXIT])),
    "Task.await(t1)",
    "Task.await(t2)",
  );
  return {
    family: "possible_replies",
    variant: "via_restart",
    difficulty: "hard",
    modules: VIA_WORKER(name, key),
    scenario: scenarioModule(body),
    legend: { ...childNames(["the Registry Names", "the supervisor", "the task t1", "the task t2"]), "main.2.1": `${name} (first start)` },
    questions: [
      {
        key: "t2",
        text:
          `Scenario.run/0 returns t2's reply to GenServer.call(via, :get), or {:exit, reason} when the call exited ` +
          "(reason without the {GenServer, :call, ...} part). Which values can it return?",
      },
    ],
    shape: {},
    params: { name, key, initial, k },
  };
}

const NAMED_CHILD = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(tag), do: GenServer.start_link(__MODULE__, tag, name: __MODULE__)",
    "  def init(tag), do: {:ok, tag}",
    "",
    "  def handle_call(:tag, _from, tag), do: {:reply, tag, tag}",
    "end",
  );

/** possible_replies: clients start the same registered child under one DynamicSupervisor; who gets it. */
export function dynamicStart(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Cache", "Session", "Lock"]);
  const clients = rng.pick([2, 2, 3]);
  const tags = rng.sample(["a", "b", "c", "x", "y"], clients);
  const start = [
    "start = fn tag ->",
    "  case DynamicSupervisor.start_child(sup, {" + name + ", tag}) do",
    "    {:ok, _} -> :ok",
    "    {:error, {:already_started, _}} -> :already_started",
    "  end",
    "end",
  ].join("\n");
  const awaits = tags.map((_, i) => `Task.await(t${i + 1})`);
  const body = block(
    "{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)",
    start,
    ...tags.map((t, i) => `t${i + 1} = Task.async(fn -> start.(:${t}) end)`),
    `{${[...awaits, `GenServer.call(${name}, :tag)`].join(", ")}}`,
  );
  const tasks = tags.map((_, i) => `t${i + 1}`).join(", ");
  return {
    family: "possible_replies",
    variant: "dynamic_start",
    difficulty: clients === 2 ? "medium" : "hard",
    modules: NAMED_CHILD(name),
    scenario: scenarioModule(body),
    legend: childNames(["the DynamicSupervisor", ...tags.map((_, i) => `the task t${i + 1}`)]),
    questions: [
      {
        key: "all",
        text: `Scenario.run/0 returns what the starts of ${tasks} gave (in that order), then the tag of the ${name} that runs. Which tuples can it return?`,
      },
    ],
    shape: { clients },
    params: { name, tags },
  };
}

const INNER = (worker: string, maxRestarts: number) =>
  lines(
    "defmodule Inner do",
    "  use Supervisor",
    "",
    "  def start_link(n), do: Supervisor.start_link(__MODULE__, n, name: __MODULE__)",
    "",
    "  def init(n) do",
    `    Supervisor.init([{${worker}, n}], strategy: :one_for_one, max_restarts: ${maxRestarts})`,
    "  end",
    "end",
  );

const FRAGILE = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)",
    "  def init(n), do: {:ok, n}",
    "",
    "  def handle_call(:get, _from, n), do: {:reply, n, n}",
    "  def handle_cast({:add, k}, n), do: {:noreply, n + k}",
    "  def handle_cast(:boom, n), do: {:stop, :boom, n}",
    "end",
  );

/**
 * message_loss: Outer supervises Inner, which supervises a counter that stops on :boom. System casts
 * :boom twice. The first stops the counter; the second reaches the restarted counter (a second
 * restart: with max_restarts 1, Inner gives up and Outer starts it again) or is lost on the way (in
 * the stopping counter's mailbox, or cast to the name while it is free).
 */
export function escalation(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Tally", "Meter", "Gauge"]);
  const initial = rng.int(0, 5);
  const maxRestarts = rng.pick([1, 1, 2]);
  const body = block(
    `{:ok, _} = Supervisor.start_link([{Inner, ${initial}}], strategy: :one_for_one)`,
    "inner = Process.whereis(Inner)",
    `GenServer.cast(${name}, :boom)`,
    `GenServer.cast(${name}, :boom)`,
    `${initial} = counter()`,
    "if Process.whereis(Inner) == inner, do: :same, else: :restarted",
  );
  // (A call to a counter that is stopping, or to the free name, exits: try again once it is back.)
  const helper = [
    "defp counter do",
    `  GenServer.call(${name}, :get)`,
    "catch",
    "  :exit, _ ->",
    "    Process.sleep(1)",
    "    counter()",
    "end",
  ];
  return {
    family: "message_loss",
    variant: "escalation",
    difficulty: "hard",
    modules: [FRAGILE(name), INNER(name, maxRestarts)].join("\n\n"),
    scenario: scenarioModule(body, helper),
    legend: childNames(["Outer (the top supervisor)"]),
    questions: [
      {
        key: "inner",
        text:
          `Scenario.run/0 returns :restarted when Inner is another process once ${name} is back (Inner gave up after too many restarts ` +
          "and Outer restarted it), else :same (the second :boom was lost, or Inner could restart again). Which values can it return?",
      },
    ],
    shape: { maxRestarts },
    params: { name, initial },
  };
}

export const SUPERVISION = { viaRestart, dynamicStart, escalation };
